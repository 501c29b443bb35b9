package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.alert.RaisedAlert;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.component.timer.TimerEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * routes/alerts-escalate.camel.yaml against a real PostgreSQL: each check raises an overdue, unacknowledged alert
 * one tier, with an ESCALATED history row; the timer runs every hub.alerts.escalation-check.
 */
class AlertsEscalateRouteIT {

    static final Duration DEADLINE = Duration.ofSeconds(20);

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static AlertLifecycle lifecycle;
    RouteHarness hub;

    @BeforeAll
    static void startDatabase() {
        // hub.alerts.* as config/application.yaml ships them
        lifecycle = new AlertLifecycle(
                db.jdbc(),
                db.tx(),
                new AlertLifecycle.Settings(Duration.ofMinutes(1), Duration.ofMinutes(15), 3),
                Clock.systemUTC(),
                new SimpleMeterRegistry(),
                () -> {});
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void eachCheckEscalatesAnOverdueAlertOneTierAndLeavesAcknowledgedAndRecentOnesAlone() throws Exception {
        hub = new RouteHarness()
                .bind("alertLifecycle", lifecycle)
                .routes("alerts-escalate.camel.yaml")
                .advise("alerts-escalate", a -> a.replaceFromWith("direct:alerts-escalate"))
                .start();
        long overdue = raise("engine-1", Duration.ofMinutes(20));
        long acknowledged = raise("engine-2", Duration.ofMinutes(20));
        long recent = raise("engine-3", Duration.ofMinutes(5));
        lifecycle.acknowledge(acknowledged, "maria", null);

        hub.template().sendBody("direct:alerts-escalate", null);

        assertThat(tiers())
                .containsEntry(overdue, 1)
                .containsEntry(acknowledged, 0)
                .containsEntry(recent, 0);
        assertThat(db.jdbc().queryForList("""
                select alert_id, actor, tier from alert_transition where transition = 'ESCALATED'"""))
                .singleElement()
                .satisfies(t -> assertThat(t)
                        .containsEntry("alert_id", overdue)
                        .containsEntry("actor", "escalation")
                        .containsEntry("tier", 1));

        hub.template().sendBody("direct:alerts-escalate", null);
        assertThat(tiers()).as("the next tier waits another escalate-after").containsEntry(overdue, 1);
        assertThat(hub.deadLetters().letters()).isEmpty();
    }

    @Test
    void theTimerChecksEveryEscalationCheckOnItsOwn() throws Exception {
        hub = new RouteHarness()
                .bind("alertLifecycle", lifecycle)
                .routes("alerts-escalate.camel.yaml")
                .property("hub.alerts.escalation-check", "200ms")
                .start();
        long overdue = raise("engine-4", Duration.ofMinutes(16));

        await().atMost(DEADLINE).until(() -> tiers().get(overdue) == 1);
    }

    @Test
    void theShippedCheckIntervalIsTenSeconds() throws Exception {
        hub = new RouteHarness()
                .bind("alertLifecycle", lifecycle)
                .routes("alerts-escalate.camel.yaml")
                .start();

        var timer = (TimerEndpoint) hub.context().getRoute("alerts-escalate").getEndpoint();
        assertThat(timer.getPeriod()).isEqualTo(10_000);
        assertThat(timer.getDelay()).isEqualTo(10_000);
    }

    /** An open alert of the engine overheat rule, opened {@code ago}. */
    private static long raise(String deviceId, Duration ago) {
        lifecycle.applyOutsideMessages(
                List.of(new RaisedAlert(
                        "Engine overheat",
                        "CRITICAL",
                        deviceId,
                        "m-" + deviceId,
                        "temperature",
                        95.0,
                        90.0,
                        "Engine " + deviceId + " is running hot",
                        Instant.now(),
                        null,
                        null)),
                false);
        return db.jdbc().queryForObject("""
                update alert set opened_at = now() - ? * interval '1 second' where device_id = ? returning id""", Long.class, ago.toSeconds(), deviceId);
    }

    private static Map<Long, Integer> tiers() {
        Map<Long, Integer> tiers = new HashMap<>();
        db.jdbc().query("select id, tier from alert", rs -> {
            tiers.put(rs.getLong(1), rs.getInt(2));
        });
        return tiers;
    }
}
