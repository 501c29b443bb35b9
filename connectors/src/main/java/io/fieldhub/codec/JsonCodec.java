package io.fieldhub.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.telemetry.InvalidTelemetryException;
import io.fieldhub.telemetry.RawTelemetry;
import io.fieldhub.telemetry.TelemetryCodec;
import io.fieldhub.telemetry.TelemetryRecord;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads JSON telemetry. Two shapes are accepted:
 * <pre>
 * {"messageId":"m-1","ts":"2026-11-26T10:00:00Z","metrics":{"temperature":81.5},"tags":{"site":"plant-1"}}
 * {"temperature":81.5,"rpm":1200}            (flat: every numeric field is a metric, ts optional)
 * </pre>
 * {@code ts} is an ISO-8601 instant or epoch milliseconds; without it the hub's receive time is used.
 */
public class JsonCodec implements TelemetryCodec {

    private static final Set<String> JSON_TYPES = Set.of("", "application/json", "text/json", "text/plain");
    private static final Set<String> RESERVED = Set.of("messageId", "deviceId", "ts", "metrics", "tags", "traceId");
    private static final String SHAPE_HINT =
            "; send a JSON object such as {\"ts\":\"2026-11-26T10:00:00Z\",\"metrics\":{\"temperature\":81.5}}";

    private final ObjectMapper mapper;

    public JsonCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public boolean supports(String contentType) {
        return contentType == null || JSON_TYPES.contains(contentType) || contentType.endsWith("+json");
    }

    @Override
    public TelemetryRecord decode(RawTelemetry raw) {
        JsonNode root = parse(raw.payload());
        if (!root.isObject()) {
            throw new InvalidTelemetryException("payload is JSON but not an object" + SHAPE_HINT);
        }
        Map<String, Double> metrics = root.has("metrics") ? metrics(root.get("metrics")) : flatMetrics(root);
        if (metrics.isEmpty()) {
            throw new InvalidTelemetryException("payload carries no numeric metric" + SHAPE_HINT);
        }
        String messageId =
                raw.messageIdAssigned() && root.hasNonNull("messageId") ? text(root, "messageId") : raw.messageId();
        Instant ts = root.hasNonNull("ts") ? timestamp(root.get("ts")) : raw.receivedAt();
        return new TelemetryRecord(
                messageId, raw.deviceId(), ts, raw.receivedAt(), metrics, tags(root.get("tags")), raw.traceId());
    }

    private JsonNode parse(byte[] payload) {
        try {
            JsonNode node = mapper.readTree(payload);
            if (node == null || node.isMissingNode()) {
                throw new InvalidTelemetryException("payload is empty" + SHAPE_HINT);
            }
            return node;
        } catch (JsonProcessingException e) {
            String detail = e.getOriginalMessage().replaceAll(" \\(start marker at .*", "");
            // A read limit (nesting deeper than 1000, a number of over 1000 digits) comes without a location.
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new InvalidTelemetryException("malformed JSON: " + detail + where, e);
        } catch (IOException e) {
            throw new InvalidTelemetryException("unreadable JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, Double> metrics(JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidTelemetryException("field 'metrics' must be an object of numbers" + SHAPE_HINT);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isNumber()) {
                throw new InvalidTelemetryException("metric '" + e.getKey() + "' must be a number, got "
                        + e.getValue().getNodeType().name().toLowerCase());
            }
            metrics.put(e.getKey(), e.getValue().doubleValue());
        });
        return metrics;
    }

    private static Map<String, Double> flatMetrics(JsonNode root) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        root.fields().forEachRemaining(e -> {
            if (!RESERVED.contains(e.getKey()) && e.getValue().isNumber()) {
                metrics.put(e.getKey(), e.getValue().doubleValue());
            }
        });
        return metrics;
    }

    private static Map<String, String> tags(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidTelemetryException("field 'tags' must be an object of strings");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new InvalidTelemetryException("tag '" + e.getKey() + "' must be a string");
            }
            tags.put(e.getKey(), e.getValue().asText());
        });
        return tags;
    }

    private static Instant timestamp(JsonNode ts) {
        if (ts.isIntegralNumber()) {
            return Instant.ofEpochMilli(ts.longValue());
        }
        try {
            return Instant.parse(ts.asText());
        } catch (DateTimeParseException e) {
            throw new InvalidTelemetryException("field 'ts' is '" + ts.asText()
                    + "': use an ISO-8601 instant such as 2026-11-26T10:00:00Z, or epoch milliseconds");
        }
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new InvalidTelemetryException("field '" + field + "' must be a non-empty string");
        }
        return node.asText();
    }
}
