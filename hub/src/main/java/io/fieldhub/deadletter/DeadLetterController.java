package io.fieldhub.deadletter;

import io.fieldhub.security.Roles;
import io.fieldhub.store.Rows;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/dead-letters?deviceId=&limit=}: rejected messages, newest first, with the reason and the payload
 * (its first {@code hub.ingest.dead-letter-payload-bytes}, with the size and SHA-256 of the whole).
 */
@RestController
class DeadLetterController {

    private final JdbcClient jdbc;

    DeadLetterController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping("/api/dead-letters")
    @PreAuthorize(Roles.CAN_READ)
    List<Map<String, Object>> deadLetters(
            @RequestParam(required = false) String deviceId, @RequestParam(defaultValue = "100") int limit) {
        return jdbc.sql("""
                        select id, received_at as "receivedAt", device_id as "deviceId", message_id as "messageId",
                               trace_id as "traceId", source, route_id as "routeId", reason,
                               content_type as "contentType", payload, payload_encoding as "payloadEncoding",
                               payload_size as "payloadSize", payload_sha256 as "payloadSha256",
                               payload_truncated as "payloadTruncated"
                        from dead_letter where (cast(? as text) is null or device_id = ?)
                        order by id desc limit ?""")
                .params(deviceId, deviceId, Rows.limit(limit))
                .query(Rows::json)
                .list();
    }
}
