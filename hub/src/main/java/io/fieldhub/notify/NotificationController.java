package io.fieldhub.notify;

import io.fieldhub.security.Roles;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/alerts/{id}/notifications}: every notification of an alert (channel, recipient, address, state,
 * provider reference, delivery receipt) with each attempt and its outcome, oldest first; 404 for an unknown alert.
 */
@RestController
class NotificationController {

    private final JdbcClient jdbc;
    private final NotificationOutbox outbox;

    NotificationController(JdbcClient jdbc, NotificationOutbox outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    @GetMapping("/api/alerts/{id}/notifications")
    @PreAuthorize(Roles.CAN_READ)
    ResponseEntity<?> notifications(@PathVariable long id) {
        if (jdbc.sql("select count(*) from alert where id = ?")
                        .param(id)
                        .query(Long.class)
                        .single()
                == 0) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no alert " + id));
        }
        return ResponseEntity.ok(outbox.ofAlert(id));
    }
}
