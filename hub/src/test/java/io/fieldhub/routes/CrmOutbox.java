package io.fieldhub.routes;

import io.fieldhub.notify.NotificationOutbox;
import java.time.Duration;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The outbox in a test database, with the rows CORE's fan-out would write for the CRM channel (an alert, its
 * transition, a crm notification) and the queries the CRM tests assert on.
 */
final class CrmOutbox {

    private final TestDatabase db;
    private final NotificationOutbox outbox;

    CrmOutbox(TestDatabase db) {
        this.db = db;
        this.outbox = new NotificationOutbox(JdbcClient.create(db.dataSource()), db.tx(),
                "http://hub.plant-1.example:8080/", Duration.ofSeconds(30));
    }

    NotificationOutbox outbox() {
        return outbox;
    }

    void clear() {
        db.jdbc().execute("truncate notification_attempt, notification, alert_transition, alert restart identity");
    }

    /** An open CRITICAL alert of the engine overheat rule. */
    long alert(String deviceId, double temperature) {
        return db.jdbc().queryForObject("""
                insert into alert (rule_id, device_id, severity, count, metric, threshold, first_value, last_value,
                                   first_ts, last_ts, text)
                values ('Engine overheat', ?, 'CRITICAL', 1, 'temperature', 90.0, ?, ?,
                        '2026-11-26T10:00:00.123Z', '2026-11-26T10:00:00.123Z', ?)
                returning id""", Long.class, deviceId, temperature, temperature,
                "Engine " + deviceId + " is running hot: temperature " + temperature + " above 90.0");
    }

    /** A transition of the alert (a CLEARED one clears it) and its crm notification, as the fan-out writes them. */
    long crmNotification(long alertId, String transition) {
        if (transition.equals("CLEARED")) {
            db.jdbc().update("update alert set state = 'CLEARED', cleared_at = now() where id = ?", alertId);
        }
        long transitionId = db.jdbc().queryForObject("""
                insert into alert_transition (alert_id, transition, actor, severity, tier)
                values (?, ?, 'rules', 'CRITICAL', 0) returning id""", Long.class, alertId, transition);
        return db.jdbc().queryForObject("""
                insert into notification (transition_id, alert_id, channel, recipient, address)
                values (?, ?, 'crm', 'crm', 'Case') returning id""", Long.class, transitionId, alertId);
    }

    String state(long id) {
        return db.jdbc().queryForObject("select state from notification where id = ?", String.class, id);
    }

    String providerRef(long id) {
        return db.jdbc().queryForObject("select provider_ref from notification where id = ?", String.class, id);
    }

    String lastError(long id) {
        return db.jdbc().queryForObject("select last_error from notification where id = ?", String.class, id);
    }

    List<String> outcomes(long id) {
        return db.jdbc().queryForList("select outcome from notification_attempt where notification_id = ? order by id",
                String.class, id);
    }

    List<String> details(long id) {
        return db.jdbc().queryForList("select detail from notification_attempt where notification_id = ? order by id",
                String.class, id);
    }

    /** Attempts of every notification with this outcome. */
    long count(String outcome) {
        return db.jdbc().queryForObject("select count(*) from notification_attempt where outcome = ?", Long.class,
                outcome);
    }

    long attempts() {
        return db.count("notification_attempt");
    }
}
