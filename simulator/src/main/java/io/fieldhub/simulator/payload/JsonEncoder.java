package io.fieldhub.simulator.payload;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * {@code {"ts":<epoch millis>,"metrics":{"temperature":81.5,"rpm":1200,"oilPressure":3.25},"tags":{"site":"plant-1"}}},
 * written with Jackson's streaming generator (cheap enough per message). Scaled integers become exact decimals.
 */
public final class JsonEncoder implements PayloadEncoder {

    public static final String CONTENT_TYPE = "application/json";
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public byte[] encode(Reading reading, String site) {
        var bytes = new ByteArrayOutputStream(128);
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            json.writeStartObject();
            writeFields(json, reading, site);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A reading's fields ({@code ts}, {@code metrics}, {@code tags}) into the object {@code json} has open. */
    static void writeFields(JsonGenerator json, Reading reading, String site) throws IOException {
        json.writeNumberField("ts", reading.ts());
        json.writeObjectFieldStart("metrics");
        json.writeNumberField("temperature", BigDecimal.valueOf(reading.temperatureTenths(), 1));
        json.writeNumberField("rpm", reading.rpm());
        json.writeNumberField("oilPressure", BigDecimal.valueOf(reading.oilPressureHundredths(), 2));
        json.writeEndObject();
        json.writeObjectFieldStart("tags");
        json.writeStringField("site", site);
        json.writeEndObject();
    }
}
