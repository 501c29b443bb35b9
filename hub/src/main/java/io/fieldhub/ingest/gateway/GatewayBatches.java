package io.fieldhub.ingest.gateway;

import static io.fieldhub.ingest.TelemetryHeaders.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.device.Device;
import io.fieldhub.device.DeviceRegistry;
import io.fieldhub.ingest.Ingest;
import io.fieldhub.telemetry.InvalidTelemetryException;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * First step of route {@code ingest-gateway}: reads a gateway message, {@code {"engine-1":[{"ts":…,"metrics":{…}},
 * …],"engine-2":[…]}}, into its readings, each with its device and message id, and asks the registry which devices
 * the gateway may speak for (their {@code via}). A message that is not that shape, or holds more than
 * {@code hub.gateways.max-readings}, is bad input as a whole.
 */
public class GatewayBatches {

    /** The gateway, from the topic {@code gateways/{gatewayId}/telemetry} or the URL. */
    public static final String GATEWAY_ID = "gatewayId";
    /** W3C trace context of the message, if the gateway sent one. */
    public static final String TRACEPARENT = "traceparent";

    private static final String SHAPE = "a gateway message is a JSON object of device id to an array of readings,"
            + " such as {\"engine-1\":[{\"ts\":1764151200000,\"metrics\":{\"temperature\":81.5}}]}";

    private final ObjectMapper mapper;
    private final DeviceRegistry registry;
    private final Clock clock;
    private final int maxReadings;
    private final int maxPayloadBytes;

    public GatewayBatches(
            ObjectMapper mapper, DeviceRegistry registry, Clock clock, int maxReadings, int maxPayloadBytes) {
        this.mapper = mapper;
        this.registry = registry;
        this.clock = clock;
        this.maxReadings = maxReadings;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public GatewayBatch split(Exchange exchange) {
        Message in = exchange.getMessage();
        String gatewayId = in.getHeader(GATEWAY_ID, String.class);
        String given = in.getHeader(MESSAGE_ID, String.class);
        boolean assigned = given == null || given.isBlank();
        String messageId = assigned ? UUID.randomUUID().toString() : given;
        String traceId = Ingest.traceId(in.getHeader(TRACEPARENT, String.class));
        String receivedAt = clock.instant().toString();
        // what a dead letter of the whole message is filed under
        in.setHeader(DEVICE_ID, gatewayId);
        in.setHeader(MESSAGE_ID, messageId);
        in.setHeader(TRACE_ID, traceId);
        in.setHeader(RECEIVED_AT, receivedAt);
        String invalid = Device.invalidId(gatewayId);
        if (invalid != null) {
            throw new InvalidTelemetryException(invalid + ", in the topic gateways/{gatewayId}/telemetry or the URL");
        }
        byte[] payload = in.getBody(byte[].class);
        checkContentType(in.getHeader(CONTENT_TYPE, String.class));
        if (payload != null && payload.length > maxPayloadBytes) {
            throw new InvalidTelemetryException("gateway message of " + payload.length + " bytes exceeds the limit of "
                    + maxPayloadBytes + " bytes (hub.ingest.max-payload-bytes); send smaller batches");
        }
        Map<String, List<JsonNode>> byDevice = readings(parse(payload));
        List<GatewayBatch.Reading> readings = new ArrayList<>();
        List<GatewayBatch.Reading> refused = new ArrayList<>();
        Map<String, String> refusals = registry.refusedVia(
                gatewayId,
                byDevice.keySet().stream()
                        .filter(id -> Device.invalidId(id) == null)
                        .toList());
        byDevice.forEach((deviceId, nodes) -> {
            String refusal = Device.invalidId(deviceId) != null ? Device.invalidId(deviceId) : refusals.get(deviceId);
            for (int i = 0; i < nodes.size(); i++) {
                var reading = new GatewayBatch.Reading(
                        deviceId, i, readingId(nodes.get(i), messageId, i), bytes(nodes.get(i)), refusal);
                (refusal == null ? readings : refused).add(reading);
            }
        });
        return new GatewayBatch(
                gatewayId, messageId, in.getHeader(SOURCE, String.class), traceId, receivedAt, readings, refused);
    }

    private static void checkContentType(String contentType) {
        String bare =
                contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        if (!bare.isEmpty() && !bare.equals("application/json") && !bare.endsWith("+json")) {
            throw new InvalidTelemetryException(
                    "unsupported content type '" + contentType + "' for a gateway message: send application/json");
        }
    }

    private JsonNode parse(byte[] payload) {
        try {
            JsonNode root = payload == null || payload.length == 0 ? null : mapper.readTree(payload);
            if (root == null || root.isMissingNode()) {
                throw new InvalidTelemetryException("payload is empty; " + SHAPE);
            }
            return root;
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new InvalidTelemetryException("malformed JSON: " + e.getOriginalMessage() + where, e);
        } catch (IOException e) {
            throw new InvalidTelemetryException("unreadable JSON: " + e.getMessage(), e);
        }
    }

    private Map<String, List<JsonNode>> readings(JsonNode root) {
        if (!root.isObject() || root.isEmpty()) {
            throw new InvalidTelemetryException("payload is not a JSON object of devices; " + SHAPE);
        }
        Map<String, List<JsonNode>> byDevice = new LinkedHashMap<>();
        int count = 0;
        for (var device : root.properties()) {
            JsonNode array = device.getValue();
            if (!array.isArray()) {
                throw new InvalidTelemetryException(
                        "the readings of device '" + device.getKey() + "' are not an array; " + SHAPE);
            }
            List<JsonNode> nodes = new ArrayList<>();
            for (JsonNode reading : array) {
                if (!reading.isObject()) {
                    throw new InvalidTelemetryException(
                            "a reading of device '" + device.getKey() + "' is not a JSON object; " + SHAPE);
                }
                nodes.add(reading);
            }
            count += nodes.size();
            byDevice.put(device.getKey(), nodes);
        }
        if (count == 0) {
            throw new InvalidTelemetryException("the gateway message holds no reading; " + SHAPE);
        }
        if (count > maxReadings) {
            throw new InvalidTelemetryException(count + " readings in one gateway message; the limit is " + maxReadings
                    + " (hub.gateways.max-readings): send smaller batches");
        }
        return byDevice;
    }

    /** The reading's own {@code messageId}, else the gateway message id and the reading's index in its array. */
    private static String readingId(JsonNode reading, String messageId, int index) {
        JsonNode own = reading.get("messageId");
        return own != null
                        && own.isValueNode()
                        && !own.isNull()
                        && !own.asText().isBlank()
                ? own.asText()
                : messageId + "-" + index;
    }

    private byte[] bytes(JsonNode reading) {
        try {
            return mapper.writeValueAsBytes(reading);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON reading could not be written back", e);
        }
    }
}
