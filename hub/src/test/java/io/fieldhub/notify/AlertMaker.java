package io.fieldhub.notify;

import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.routes.TestDatabase;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Alerts and their transitions made by the real alert lifecycle (hub.alerts.* as shipped: clear after 1m, escalate
 * after 15m, 3 tiers), devices with tags, and a routing file, for the notification tests.
 */
final class AlertMaker {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    final TestDatabase db;
    final AlertLifecycle lifecycle;
    private Instant escalatedUpTo = Instant.now();

    AlertMaker(TestDatabase db) {
        this.db = db;
        this.lifecycle = new AlertLifecycle(
                db.jdbc(),
                db.tx(),
                new AlertLifecycle.Settings(Duration.ofMinutes(1), Duration.ofMinutes(15), 3),
                Clock.systemUTC(),
                new SimpleMeterRegistry(),
                () -> {});
    }

    /** A new open alert of {@code rule} on the device, with its RAISED transition; returns the alert id. */
    long raise(String rule, String severity, String deviceId) {
        lifecycle.applyOutsideMessages(List.of(trigger(rule, severity, deviceId)), false);
        return db.jdbc()
                .queryForObject(
                        "select max(id) from alert where device_id = ? and rule_id = ?", Long.class, deviceId, rule);
    }

    static RaisedAlert trigger(String rule, String severity, String deviceId) {
        return new RaisedAlert(
                rule,
                severity,
                deviceId,
                "m-" + UUID.randomUUID(),
                "temperature",
                95.5,
                90.0,
                deviceId + " is running hot",
                Instant.now(),
                TRACE,
                null);
    }

    /** A stored reading of the device with these tags (the routing matches site, type and group on them). */
    void device(String deviceId, Map<String, String> tags) {
        db.jdbc()
                .update(
                        """
                insert into telemetry (message_id, device_id, ts, received_at, metrics, tags, trace_id)
                values (?, ?, now(), now(), '{}'::jsonb, ?::jsonb, ?)""",
                        "m-" + UUID.randomUUID(),
                        deviceId,
                        new com.fasterxml.jackson.databind.ObjectMapper()
                                .valueToTree(tags)
                                .toString(),
                        TRACE);
    }

    /** Every open alert nobody acknowledged rises one tier (as if escalate-after had passed once more). */
    int escalate() {
        escalatedUpTo = escalatedUpTo.plus(Duration.ofMinutes(16));
        return lifecycle.escalateDue(escalatedUpTo);
    }

    void acknowledge(long alertId) {
        lifecycle.acknowledge(alertId, "maria", "on my way");
    }

    /** The device reports normal readings long enough after its last trigger: its alerts clear. */
    void clear(String deviceId) {
        Instant later = Instant.now().plus(Duration.ofMinutes(5));
        var reading = new TelemetryRecord(
                "m-" + UUID.randomUUID(), deviceId, later, later, Map.of("temperature", 70.0), Map.of(), TRACE);
        db.tx().executeWithoutResult(s -> lifecycle.apply(List.of(), List.of(reading)));
    }

    /** A routing file with this content, read as the hub reads it. */
    static NotificationRouting routing(Path dir, String yaml) throws Exception {
        Path file = dir.resolve("notifications.yaml");
        Files.writeString(file, yaml);
        return new NotificationRouting(file, UnaryOperator.identity());
    }
}
