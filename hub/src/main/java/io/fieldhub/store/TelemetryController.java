package io.fieldhub.store;

import io.fieldhub.security.Roles;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/devices/{id}/telemetry?from=&to=&limit=}: a device's stored readings, oldest first. */
@RestController
class TelemetryController {

    private final JdbcClient jdbc;

    TelemetryController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping("/api/devices/{deviceId}/telemetry")
    @PreAuthorize(Roles.CAN_READ)
    List<Map<String, Object>> telemetry(
            @PathVariable String deviceId,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
            @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
            @RequestParam(defaultValue = "1000") int limit) {
        return jdbc.sql("""
                        select message_id as "messageId", device_id as "deviceId", ts, received_at as "receivedAt",
                               metrics::text as metrics, tags::text as tags, trace_id as "traceId"
                        from telemetry where device_id = ? and ts >= ? and ts < ? order by ts, id limit ?""")
                .params(
                        deviceId,
                        java.sql.Timestamp.from(from == null ? Instant.EPOCH : from),
                        java.sql.Timestamp.from(to == null ? Instant.parse("9999-01-01T00:00:00Z") : to),
                        Rows.limit(limit))
                .query(Rows::json)
                .list();
    }
}
