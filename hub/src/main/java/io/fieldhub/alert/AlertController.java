package io.fieldhub.alert;

import io.fieldhub.api.Actors;
import io.fieldhub.security.Roles;
import io.fieldhub.store.Rows;
import java.security.Principal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The alerts API: {@code GET /api/alerts} (filtered, the latest triggered first), {@code GET /api/alerts/{id}},
 * {@code GET /api/alerts/{id}/history} (transitions, oldest first) and {@code POST /api/alerts/{id}/ack}. Errors
 * answer {@code {"error": ...}}: 400 for a bad filter, 404 for an unknown alert, 409 for one that is not open.
 */
@RestController
class AlertController {

    private static final Set<String> STATES = Set.of("OPEN", "ACKNOWLEDGED", "CLEARED");
    private static final Set<String> SEVERITIES = Set.of("INFO", "WARNING", "CRITICAL");

    private static final String SELECT = """
            select id, rule_id as "ruleId", device_id as "deviceId", severity, state, tier, count, metric, threshold,
                   first_value as "firstValue", last_value as "lastValue", first_ts as "firstTs", last_ts as "lastTs",
                   first_message_id as "firstMessageId", last_message_id as "lastMessageId", text,
                   trace_id as "traceId", (extract(epoch from clear_after) * 1000)::bigint as "clearAfter",
                   opened_at as "openedAt", acknowledged_at as "acknowledgedAt", acknowledged_by as "acknowledgedBy",
                   escalated_at as "escalatedAt", cleared_at as "clearedAt"
            from alert""";

    /** The operator's optional word on an acknowledgement; it goes out in email, SMS and the CRM case. */
    record AckRequest(String note) {}

    static final int MAX_NOTE_LENGTH = 500;

    /** A query parameter the API cannot use; the message names it. */
    static class BadFilter extends RuntimeException {
        BadFilter(String message) {
            super(message);
        }
    }

    private final JdbcClient jdbc;
    private final AlertLifecycle lifecycle;

    AlertController(JdbcClient jdbc, AlertLifecycle lifecycle) {
        this.jdbc = jdbc;
        this.lifecycle = lifecycle;
    }

    @GetMapping("/api/alerts")
    @PreAuthorize(Roles.CAN_READ)
    List<Map<String, Object>> alerts(
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String deviceId,
            @RequestParam(required = false) String severity,
            @RequestParam(required = false) String ruleId,
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "100") String limit) {
        String st = oneOf("state", state, STATES);
        String sev = oneOf("severity", severity, SEVERITIES);
        Timestamp since = instant("from", from);
        Timestamp until = instant("to", to);
        return jdbc.sql(SELECT + """
                         where (cast(:state as text) is null or state = :state)
                           and (cast(:deviceId as text) is null or device_id = :deviceId)
                           and (cast(:severity as text) is null or severity = :severity)
                           and (cast(:ruleId as text) is null or rule_id = :ruleId)
                           and (cast(:from as timestamptz) is null or last_ts >= :from)
                           and (cast(:to as timestamptz) is null or last_ts < :to)
                        order by last_ts desc, id desc limit :limit""")
                .param("state", st)
                .param("deviceId", deviceId)
                .param("severity", sev)
                .param("ruleId", ruleId)
                .param("from", since)
                .param("to", until)
                .param("limit", Rows.limit(number("limit", limit)))
                .query(AlertController::row)
                .list();
    }

    @GetMapping("/api/alerts/{id}")
    @PreAuthorize(Roles.CAN_READ)
    ResponseEntity<?> alert(@PathVariable long id) {
        return jdbc.sql(SELECT + " where id = ?")
                .param(id)
                .query(AlertController::row)
                .optional()
                .<ResponseEntity<?>>map(ResponseEntity::ok)
                .orElseGet(() -> noSuchAlert(id));
    }

    @GetMapping("/api/alerts/{id}/history")
    @PreAuthorize(Roles.CAN_READ)
    ResponseEntity<?> history(@PathVariable long id) {
        if (jdbc.sql("select count(*) from alert where id = ?")
                        .param(id)
                        .query(Long.class)
                        .single()
                == 0) {
            return noSuchAlert(id);
        }
        return ResponseEntity.ok(jdbc.sql("""
                        select id, transition, at, actor, severity, tier, detail
                        from alert_transition where alert_id = ? order by id""").param(id).query(Rows::json).list());
    }

    /** Acknowledges an open alert on behalf of the signed-in user, with an optional short note. */
    @PostMapping("/api/alerts/{id}/ack")
    @PreAuthorize(Roles.CAN_OPERATE)
    ResponseEntity<?> acknowledge(
            @PathVariable long id, @RequestBody(required = false) AckRequest body, Principal principal) {
        String note = body == null || body.note() == null || body.note().isBlank()
                ? null
                : body.note().strip();
        if (note != null && note.length() > MAX_NOTE_LENGTH) {
            throw new BadFilter(
                    "the note is " + note.length() + " characters; at most " + MAX_NOTE_LENGTH + " are allowed");
        }
        return switch (lifecycle.acknowledge(id, Actors.of(principal), note)) {
            case ACKNOWLEDGED -> alert(id);
            case NO_SUCH_ALERT -> noSuchAlert(id);
            case ALREADY_ACKNOWLEDGED -> conflict("alert " + id + " is already acknowledged");
            case ALREADY_CLEARED -> conflict("alert " + id + " is cleared; only an open alert can be acknowledged");
        };
    }

    @ExceptionHandler(BadFilter.class)
    ResponseEntity<Map<String, String>> badFilter(BadFilter e) {
        return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, String>> badBody(HttpMessageNotReadableException e) {
        return ResponseEntity.badRequest()
                .body(Map.of("error", "the body must be JSON like {\"note\": \"text\"}, or empty"));
    }

    private static Map<String, Object> row(ResultSet rs, int rowNum) throws SQLException {
        Map<String, Object> row = Rows.json(rs, rowNum);
        Object clearAfter = row.get("clearAfter");
        row.put(
                "clearAfter",
                clearAfter == null
                        ? null
                        : Duration.ofMillis(((Number) clearAfter).longValue()).toString());
        return row;
    }

    private static ResponseEntity<?> noSuchAlert(long id) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no alert " + id));
    }

    private static ResponseEntity<?> conflict(String message) {
        return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", message));
    }

    private static String oneOf(String name, String value, Set<String> allowed) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String upper = value.strip().toUpperCase(Locale.ROOT);
        if (!allowed.contains(upper)) {
            throw new BadFilter(
                    name + " must be one of " + allowed.stream().sorted().toList() + ", not '" + value + "'");
        }
        return upper;
    }

    private static Timestamp instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Timestamp.from(OffsetDateTime.parse(value.strip()).toInstant());
        } catch (DateTimeParseException e) {
            throw new BadFilter(name + " must be an ISO-8601 time like 2026-11-26T10:00:00Z, not '" + value + "'");
        }
    }

    private static int number(String name, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new BadFilter(name + " must be a whole number, not '" + value + "'");
        }
    }
}
