package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.retention.RetentionCutoff;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * routes/retention-trim.camel.yaml against a real PostgreSQL: each table loses exactly its rows older than its
 * period (as config/application.yaml ships them), in batches, and a period of 0 keeps every row.
 */
class RetentionTrimRouteIT {

    static final List<String> ROUTES = List.of(
            "retention-dead-letters",
            "retention-notification-attempts",
            "retention-rule-errors",
            "retention-closed-alerts",
            "retention-dedupe-keys");

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    static RouteHarness hub;

    @BeforeAll
    static void start() throws Exception {
        // two rows a batch, so that a run takes several
        hub = harness()
                .property("hub.retention.batch-size", 2)
                .bind("metricsRegistry", meters)
                .start();
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    static RouteHarness harness() {
        RouteHarness harness = new RouteHarness()
                .bind("retentionCutoff", new RetentionCutoff(Clock.systemUTC()))
                .bind("dataSource", db.dataSource())
                .routes("retention-trim.camel.yaml");
        ROUTES.forEach(id -> harness.advise(id, a -> a.replaceFromWith("direct:" + id)));
        return harness;
    }

    @Test
    void deadLettersOlderThanThirtyDaysAreDeletedInBatches() {
        for (int i = 0; i < 5; i++) {
            deadLetter("old-" + i, ago(Duration.ofDays(31)));
        }
        deadLetter("young", ago(Duration.ofDays(29)));
        double before = deleted("dead_letter");

        trigger(hub, "retention-dead-letters");

        assertThat(db.jdbc().queryForList("select message_id from dead_letter", String.class))
                .containsExactly("young");
        assertThat(deleted("dead_letter") - before).isEqualTo(5);
    }

    @Test
    void notificationAttemptsOlderThanNinetyDaysAreDeleted() {
        long notification = db.jdbc().queryForObject("""
                insert into notification (channel, recipient, address, state)
                values ('email', 'ops', 'ops@example.com', 'SENT') returning id""", Long.class);
        for (Duration age : List.of(Duration.ofDays(200), Duration.ofDays(91), Duration.ofDays(89))) {
            db.jdbc()
                    .update(
                            "insert into notification_attempt (notification_id, at, outcome) values (?, ?, 'SENT')",
                            notification,
                            ago(age));
        }

        trigger(hub, "retention-notification-attempts");

        assertThat(db.jdbc().queryForList("select at from notification_attempt", Timestamp.class))
                .singleElement()
                .satisfies(at -> assertThat(at.toInstant())
                        .isAfter(ago(Duration.ofDays(90)).toInstant()));
        assertThat(db.count("notification")).as("the notification itself stays").isEqualTo(1);
    }

    @Test
    void ruleErrorsOlderThanThirtyDaysAreDeleted() {
        for (Duration age : List.of(Duration.ofDays(45), Duration.ofDays(31), Duration.ofDays(2))) {
            db.jdbc()
                    .update(
                            "insert into rule_error (at, rule_id, phase, error) values (?, 'Engine overheat', 'consequence',"
                                    + " 'java.lang.ArithmeticException')",
                            ago(age));
        }

        trigger(hub, "retention-rule-errors");

        assertThat(db.count("rule_error")).isEqualTo(1);
    }

    @Test
    void anAlertClearedOverAYearAgoGoesWithItsTransitionsAndNotifications() {
        long old = alert("CLEARED", ago(Duration.ofDays(400)));
        long recent = alert("CLEARED", ago(Duration.ofDays(300)));
        long open = alert("OPEN", null);
        for (long alert : List.of(old, recent, open)) {
            long raised = db.jdbc().queryForObject("""
                    insert into alert_transition (alert_id, transition, actor, severity, tier)
                    values (?, 'RAISED', 'rules', 'CRITICAL', 0) returning id""", Long.class, alert);
            long notification = db.jdbc().queryForObject("""
                    insert into notification (transition_id, alert_id, channel, recipient, address, state)
                    values (?, ?, 'email', 'ops', 'ops@example.com', 'SENT') returning id""", Long.class, raised, alert);
            db.jdbc()
                    .update(
                            "insert into notification_attempt (notification_id, outcome) values (?, 'SENT')",
                            notification);
        }

        trigger(hub, "retention-closed-alerts");

        assertThat(db.jdbc().queryForList("select id from alert order by id", Long.class))
                .containsExactly(recent, open);
        assertThat(db.jdbc().queryForList("select distinct alert_id from alert_transition order by 1", Long.class))
                .containsExactly(recent, open);
        assertThat(db.jdbc().queryForList("select alert_id from notification order by 1", Long.class))
                .containsExactly(recent, open);
        assertThat(db.count("notification_attempt")).isEqualTo(2);
    }

    @Test
    void dedupeKeysOlderThanTheWindowAreDeleted() {
        for (int i = 0; i < 3; i++) {
            dedupeKey("old-" + i, ago(Duration.ofDays(9)));
        }
        dedupeKey("young", ago(Duration.ofDays(7)));

        trigger(hub, "retention-dedupe-keys");

        assertThat(db.jdbc().queryForList("select message_id from telemetry_key", String.class))
                .containsExactly("young");
    }

    @Test
    void aPeriodOfZeroKeepsRowsForever() throws Exception {
        deadLetter("ancient", ago(Duration.ofDays(3650)));
        try (RouteHarness keeping =
                harness().property("hub.retention.dead-letters", 0).start()) {
            trigger(keeping, "retention-dead-letters");
        }
        assertThat(db.count("dead_letter")).isEqualTo(1);
    }

    private static void trigger(RouteHarness harness, String routeId) {
        Exchange done = harness.template().send("direct:" + routeId, e -> {});
        assertThat(done.getException()).isNull();
    }

    private static Timestamp ago(Duration age) {
        return Timestamp.from(Instant.now().minus(age));
    }

    private static double deleted(String table) {
        var counter =
                meters.find("fieldhub.retention.deleted").tag("table", table).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void deadLetter(String messageId, Timestamp receivedAt) {
        db.jdbc().update("""
                insert into dead_letter (received_at, device_id, message_id, reason, payload_encoding)
                values (?, 'pump-7', ?, 'bad payload', 'utf-8')""", receivedAt, messageId);
    }

    private static void dedupeKey(String messageId, Timestamp storedAt) {
        db.jdbc()
                .update(
                        "insert into telemetry_key (device_id, message_id, stored_at) values ('pump-7', ?, ?)",
                        messageId,
                        storedAt);
    }

    private static long alert(String state, Timestamp clearedAt) {
        return db.jdbc().queryForObject("""
                insert into alert (rule_id, device_id, severity, state, count, first_ts, last_ts, text, cleared_at)
                values ('Engine overheat', 'engine-7', 'CRITICAL', ?, 1, now(), now(), 'running hot', ?)
                returning id""", Long.class, state, clearedAt);
    }
}
