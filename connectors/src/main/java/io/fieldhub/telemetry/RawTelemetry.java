package io.fieldhub.telemetry;

import java.time.Instant;

/**
 * A message as ingest received it, before decoding: what crosses the backbone.
 *
 * @param deviceId    from the topic or the URL path
 * @param payload     the bytes exactly as the device sent them
 * @param contentType MQTT 5 content type or HTTP Content-Type; {@code null} means JSON
 * @param messageId   from the device (MQTT user property / HTTP header) or assigned at ingest
 * @param messageIdAssigned true when ingest made the id up, so a {@code messageId} inside the payload wins
 * @param traceId     W3C trace id
 * @param receivedAt  hub time at ingest
 */
public record RawTelemetry(
        String deviceId,
        byte[] payload,
        String contentType,
        String messageId,
        boolean messageIdAssigned,
        String traceId,
        Instant receivedAt) {}
