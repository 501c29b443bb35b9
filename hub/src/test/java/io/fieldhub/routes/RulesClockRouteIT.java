package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fieldhub.rules.RuleEngine;
import io.fieldhub.rules.RuleSetBuilder;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * routes/rules-clock.camel.yaml against a real PostgreSQL: with no reading arriving, the rule clock still moves, so a
 * device that went silent raises its alert, and that alert is stored once however often the clock ticks.
 */
class RulesClockRouteIT {

    static final Instant START = Instant.parse("2026-11-26T08:00:00Z");
    static final String SILENT = """
            package acme
            import io.fieldhub.rules.Device
            import io.fieldhub.rules.Reading
            global io.fieldhub.rules.Alerts alerts

            rule "Device silent"
            when
                $d : Device()
                not( Reading( deviceId == $d.id ) over window:time(10m) )
            then
                alerts.raise("WARNING", "Device " + $d.getId() + " sent nothing for 10 minutes", $d);
            end
            """;

    @TempDir
    static Path dir;

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final SettableClock clock = new SettableClock();
    static RuleEngine engine;
    static RouteHarness hub;

    @BeforeAll
    static void start() throws Exception {
        clock.set(START);
        Path rules = Files.createDirectories(dir.resolve("rules/acme"));
        Files.writeString(rules.resolve("silent.drl"), SILENT);
        var meters = new SimpleMeterRegistry();
        engine = new RuleEngine(
                new RuleSetBuilder(Duration.ofMinutes(15)).build(RuleSetBuilder.readFolder(dir.resolve("rules"))),
                2,
                Duration.ofSeconds(30),
                clock,
                meters);
        var lifecycle = db.alertLifecycle(clock, meters);
        hub = new RouteHarness()
                .property("hub.rules.tick", "50")
                .bind("ruleEngine", engine)
                .bind("alertLifecycle", lifecycle)
                .routes("rules-clock.camel.yaml")
                .start();
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aDeviceSilentForTenMinutesRaisesOneAlertOnTheClockAlone() {
        engine.evaluate(reading("meter-1", START));
        engine.evaluate(reading("meter-2", START));

        // meter-2 keeps reporting; meter-1 stops. Ten minutes plus the lateness bound later, with no reading for
        // meter-1 to trigger anything, its silence is noticed.
        clock.set(START.plus(Duration.ofMinutes(9)));
        engine.evaluate(reading("meter-2", START.plus(Duration.ofMinutes(9))));
        clock.set(START.plus(Duration.ofMinutes(10).plusSeconds(31)));

        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("alert") > 0);
        var alert = db.jdbc().queryForMap("select * from alert");
        assertThat(alert)
                .containsEntry("rule_id", "Device silent")
                .containsEntry("device_id", "meter-1")
                .containsEntry("state", "OPEN")
                .containsEntry("severity", "WARNING");
        // The clock keeps ticking; the alert is neither repeated nor joined by one for meter-2 (which reported).
        var tenMoreTicks = new NotifyBuilder(hub.context())
                .fromRoute("rules-clock")
                .whenDone(10)
                .create();
        assertThat(tenMoreTicks.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(db.jdbc().queryForList("select device_id, count from alert"))
                .singleElement()
                .satisfies(row -> assertThat(row).containsEntry("device_id", "meter-1"));
        assertThat(db.jdbc().queryForList("select transition from alert_transition", String.class))
                .containsExactly("RAISED");
    }

    private static TelemetryRecord reading(String device, Instant ts) {
        return new TelemetryRecord(
                device + "-" + ts.toEpochMilli(),
                device,
                ts,
                ts,
                Map.of("flow", 1.0),
                Map.of("type", "meter"),
                "4bf92f3577b34da6a3ce929d0e0e4736");
    }
}
