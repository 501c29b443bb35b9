package io.fieldhub.alert;

import io.fieldhub.store.Rows;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** {@code GET /api/alerts} and {@code GET /api/alerts/{id}}: alerts raised by the rules, newest first. */
@RestController
class AlertController {

    private static final String SELECT = """
            select id, rule_id as "ruleId", severity, device_id as "deviceId", message_id as "messageId", metric,
                   value, threshold, text, ts, raised_at as "raisedAt", trace_id as "traceId",
                   emailed_at as "emailedAt"
            from alert""";

    private final JdbcClient jdbc;

    AlertController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping("/api/alerts")
    List<Map<String, Object>> alerts(@RequestParam(required = false) String deviceId,
                                     @RequestParam(defaultValue = "100") int limit) {
        return jdbc.sql(SELECT + " where (cast(? as text) is null or device_id = ?) order by id desc limit ?")
                .params(deviceId, deviceId, Rows.limit(limit))
                .query(Rows::json).list();
    }

    @GetMapping("/api/alerts/{id}")
    Map<String, Object> alert(@PathVariable long id) {
        return jdbc.sql(SELECT + " where id = ?").param(id).query(Rows::json).optional()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no alert " + id));
    }
}
