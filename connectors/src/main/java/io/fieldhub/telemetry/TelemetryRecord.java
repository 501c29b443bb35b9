package io.fieldhub.telemetry;

import java.time.Instant;
import java.util.Map;

/**
 * The canonical telemetry record: the contract every stage passes along (see docs/architecture.md).
 *
 * @param messageId  unique id, from the device or assigned at ingest; the warm store is idempotent on it
 * @param deviceId   the device that sent it
 * @param ts         device time
 * @param receivedAt hub time at ingest
 * @param metrics    numeric readings by name
 * @param tags       registry data and device-supplied labels (site, type, ...)
 * @param traceId    W3C trace id (32 hex characters)
 */
public record TelemetryRecord(
        String messageId,
        String deviceId,
        Instant ts,
        Instant receivedAt,
        Map<String, Double> metrics,
        Map<String, String> tags,
        String traceId) {

    public TelemetryRecord {
        metrics = Map.copyOf(metrics);
        tags = Map.copyOf(tags);
    }

    /** The value of one metric, or {@code null} when the record does not carry it. */
    public Double metric(String name) {
        return metrics.get(name);
    }

    public TelemetryRecord withTags(Map<String, String> moreTags) {
        var merged = new java.util.HashMap<>(tags);
        merged.putAll(moreTags);
        return new TelemetryRecord(messageId, deviceId, ts, receivedAt, metrics, merged, traceId);
    }
}
