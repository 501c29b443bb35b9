package io.fieldhub.simulator.payload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * A gateway's batch in FieldHub's gateway shape (ThingsBoard's, with {@code metrics}): {@code {"engine-1":[{"messageId":
 * "…","ts":<epoch millis>,"metrics":{…},"tags":{"site":"plant-1"}}, …], "engine-2":[…]}}.
 */
public final class GatewayBatchEncoder {

    /** One reading of the batch, with the message id it is stored under. */
    public record Entry(String messageId, String site, Reading reading) {}

    private static final JsonFactory JSON = new JsonFactory();

    private GatewayBatchEncoder() {}

    public static byte[] encode(Map<String, List<Entry>> byDevice) {
        var bytes = new ByteArrayOutputStream(160 * byDevice.size());
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            for (var device : byDevice.entrySet()) {
                json.writeArrayFieldStart(device.getKey());
                for (Entry entry : device.getValue()) {
                    json.writeStartObject();
                    json.writeStringField("messageId", entry.messageId());
                    JsonEncoder.writeFields(json, entry.reading(), entry.site());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
