package io.fieldhub.routes;

import io.fieldhub.notify.NotificationOutbox;
import java.time.Duration;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The outbox in a test database, with the rows the fan-out and digests would write for the email, SMS and CRM
 * channels (an alert, its transitions, their notifications, a digest of held ones) and the queries the channel tests
 * assert on.
 */
final class ChannelOutbox {

    static final String PUBLIC_URL = "http://hub.plant-1.example:8080/";

    private final TestDatabase db;
    private final NotificationOutbox outbox;

    ChannelOutbox(TestDatabase db) {
        this.db = db;
        this.outbox =
                new NotificationOutbox(JdbcClient.create(db.dataSource()), db.tx(), PUBLIC_URL, Duration.ofSeconds(30));
    }

    NotificationOutbox outbox() {
        return outbox;
    }

    /** An open CRITICAL alert of the engine overheat rule, triggered {@code count} times. */
    long alert(String deviceId, double temperature, int count) {
        return db.jdbc()
                .queryForObject(
                        """
                insert into alert (rule_id, device_id, severity, count, metric, threshold, first_value, last_value,
                                   first_ts, last_ts, text)
                values ('Engine overheat', ?, 'CRITICAL', ?, 'temperature', 90.0, ?, ?,
                        '2026-11-26T10:00:00.123Z', '2026-11-26T10:00:00.123Z', ?)
                returning id""",
                        Long.class,
                        deviceId,
                        count,
                        temperature,
                        temperature,
                        "Engine " + deviceId + " is running hot: temperature " + temperature + " > 90");
    }

    /** An open CRITICAL alert of the engine overheat rule, triggered once. */
    long alert(String deviceId, double temperature) {
        return alert(deviceId, temperature, 1);
    }

    /** A transition of the alert (a CLEARED one clears it) and its crm notification, as the fan-out writes them. */
    long crmNotification(long alertId, String transition) {
        return notification(transition(alertId, transition, 0, "rules"), alertId, "crm", "crm", "Case");
    }

    /** A transition of the alert, as the alert lifecycle writes it (a CLEARED one clears the alert). */
    long transition(long alertId, String transition, int tier, String actor) {
        if (transition.equals("CLEARED")) {
            db.jdbc().update("update alert set state = 'CLEARED', cleared_at = now() where id = ?", alertId);
        }
        return db.jdbc().queryForObject("""
                insert into alert_transition (alert_id, transition, at, actor, severity, tier)
                values (?, ?, '2026-11-26T10:05:00Z', ?, 'CRITICAL', ?) returning id""", Long.class, alertId, transition, actor, tier);
    }

    /** The alert acknowledged by {@code actor} with {@code note}, as the alert lifecycle writes it. */
    long acknowledged(long alertId, String actor, String note) {
        db.jdbc()
                .update(
                        "update alert set state = 'ACKNOWLEDGED', acknowledged_at = now(), acknowledged_by = ?"
                                + " where id = ?",
                        actor,
                        alertId);
        return db.jdbc().queryForObject("""
                insert into alert_transition (alert_id, transition, at, actor, severity, tier, detail)
                values (?, 'ACKNOWLEDGED', '2026-11-26T10:05:00Z', ?, 'CRITICAL', 0, ?) returning id""", Long.class, alertId, actor, note);
    }

    /** A notification of the transition to one recipient, as the fan-out writes it. */
    long notification(long transitionId, long alertId, String channel, String recipient, String address) {
        return db.jdbc().queryForObject("""
                insert into notification (transition_id, alert_id, channel, recipient, address)
                values (?, ?, ?, ?, ?) returning id""", Long.class, transitionId, alertId, channel, recipient, address);
    }

    /** The notifications' digest: they become DIGESTED, and the digest is due, as the digest route leaves them. */
    long digest(String channel, String recipient, String address, List<Long> held) {
        long digest = db.jdbc().queryForObject("""
                insert into notification (channel, recipient, address, kind) values (?, ?, ?, 'DIGEST')
                returning id""", Long.class, channel, recipient, address);
        for (long id : held) {
            db.jdbc().update("update notification set state = 'DIGESTED', digest_id = ? where id = ?", digest, id);
        }
        return digest;
    }

    String state(long id) {
        return column(id, "state");
    }

    String providerRef(long id) {
        return column(id, "provider_ref");
    }

    String lastError(long id) {
        return column(id, "last_error");
    }

    String delivery(long id) {
        return column(id, "delivery");
    }

    private String column(long id, String column) {
        return db.jdbc().queryForObject("select " + column + " from notification where id = ?", String.class, id);
    }

    List<String> outcomes(long id) {
        return db.jdbc()
                .queryForList(
                        "select outcome from notification_attempt where notification_id = ? order by id",
                        String.class,
                        id);
    }

    List<String> details(long id) {
        return db.jdbc()
                .queryForList(
                        "select detail from notification_attempt where notification_id = ? order by id",
                        String.class,
                        id);
    }

    long attempts() {
        return db.count("notification_attempt");
    }

    /** Attempts of every notification with this outcome. */
    long count(String outcome) {
        return db.jdbc()
                .queryForObject("select count(*) from notification_attempt where outcome = ?", Long.class, outcome);
    }
}
