package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.notify.NotificationDigests;
import io.fieldhub.notify.NotificationFanOut;
import io.fieldhub.notify.NotificationRouting;
import io.fieldhub.notify.Wakeups;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.camel.component.timer.TimerEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * routes/notify-fanout.camel.yaml against a real PostgreSQL: on its timer, notify-fanout turns each new alert
 * transition into its notifications, and notify-digest sums up what a rate limit held once its window has ended;
 * wake-ups that arrive while the fan-out runs make one more run, not a queue of them.
 */
class NotifyFanoutRouteIT {

    static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static AlertLifecycle lifecycle;
    static NotificationRouting routing;
    RouteHarness hub;

    @BeforeAll
    static void start() throws Exception {
        lifecycle = new AlertLifecycle(
                db.jdbc(),
                db.tx(),
                new AlertLifecycle.Settings(Duration.ofMinutes(1), Duration.ofMinutes(15), 3),
                Clock.systemUTC(),
                new SimpleMeterRegistry(),
                () -> {});
        Path file = Files.writeString(dir.resolve("notifications.yaml"), """
                people:
                  ops: {email: ops@example.com}
                  maria: {phone: "+4915112345678"}
                rules:
                  - channels: [email]
                    to: [ops]
                  - match: {severity: CRITICAL}
                    channels: [sms]
                    to: [maria]
                rate-limits:
                  email: {max: 1, per: 1s}
                """);
        routing = new NotificationRouting(file, UnaryOperator.identity());
    }

    @AfterEach
    void stopRoutes() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void newTransitionsBecomeNotificationsAndHeldOnesADigestOnTheTimers() throws Exception {
        // raised together, so the first fan-out routes both at one time, in one rate-limit window
        raise("engine-1", "CRITICAL");
        raise("engine-2", "WARNING");
        hub = harness("100ms", "200ms").start();

        await().atMost(DEADLINE)
                .until(() -> db.jdbc()
                                .queryForObject(
                                        "select count(*) from alert_transition where routed_at is null", Long.class)
                        == 0);
        await().atMost(DEADLINE)
                .until(() -> db.jdbc()
                        .queryForList(
                                "select kind || ' ' || channel || ' ' || recipient || ' ' || state from notification order by id",
                                String.class)
                        .equals(List.of(
                                "TRANSITION email ops PENDING",
                                "TRANSITION sms maria PENDING",
                                "TRANSITION email ops DIGESTED",
                                "DIGEST email ops PENDING")));
        assertThat(db.jdbc().queryForObject("select count(*) from notification where state = 'HELD'", Long.class))
                .isZero();
        assertThat(hub.deadLetters().letters()).isEmpty();
    }

    @Test
    void theShippedIntervalsAreHalfASecondForTheFanOutAndTenSecondsForDigests() throws Exception {
        JsonNode notify = new YAMLMapper()
                .readTree(Path.of("..", "config", "application.yaml").toFile())
                .path("hub")
                .path("notify");
        hub = harness(
                        notify.path("fanout-interval").asText(),
                        notify.path("digest-check").asText())
                .start();

        assertThat(((TimerEndpoint)
                                hub.context().getRoute("notify-fanout-timer").getEndpoint())
                        .getPeriod())
                .isEqualTo(500);
        assertThat(((TimerEndpoint) hub.context().getRoute("notify-digest").getEndpoint()).getPeriod())
                .isEqualTo(10_000);
    }

    @Test
    void wakeUpsDuringARunMakeOneMoreRunNotAQueue() throws Exception {
        var fanOut = new BlockedFanOut();
        hub = new RouteHarness()
                .property("hub.notify.fanout-interval", "1h")
                .property("hub.notify.digest-check", "1h")
                .bind("notificationFanOut", fanOut)
                .bind(
                        "notificationDigests",
                        new NotificationDigests(db.jdbc(), db.tx(), routing, Clock.systemUTC(), channel -> {}))
                .routes("notify-fanout.camel.yaml")
                .advise("notify-fanout-timer", route -> route.getOriginalRoute().autoStartup(false))
                .start();
        var wakeups = new Wakeups(hub.context());

        try {
            wakeups.fanOut();
            await("the first run is under way").atMost(DEADLINE).until(() -> fanOut.runs.get() == 1);
            for (int i = 0; i < 1000; i++) {
                wakeups.fanOut();
            }
        } finally {
            fanOut.release.countDown();
        }

        await().atMost(DEADLINE).until(() -> fanOut.runs.get() == 2);
        await("no more runs")
                .during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> fanOut.runs.get() == 2);
    }

    /** A fan-out whose runs wait until the test releases them, and count themselves. */
    public static final class BlockedFanOut {
        final AtomicInteger runs = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);

        public int routeDue() throws InterruptedException {
            runs.incrementAndGet();
            release.await();
            return 0;
        }
    }

    private RouteHarness harness(String fanoutInterval, String digestCheck) {
        return new RouteHarness()
                .property("hub.notify.fanout-interval", fanoutInterval)
                .property("hub.notify.digest-check", digestCheck)
                .bind(
                        "notificationFanOut",
                        new NotificationFanOut(db.jdbc(), db.tx(), routing, Clock.systemUTC(), 100, channel -> {}))
                .bind(
                        "notificationDigests",
                        new NotificationDigests(db.jdbc(), db.tx(), routing, Clock.systemUTC(), channel -> {}))
                .routes("notify-fanout.camel.yaml", "notify-digest.camel.yaml");
    }

    private static void raise(String deviceId, String severity) {
        lifecycle.applyOutsideMessages(
                List.of(new RaisedAlert(
                        "Engine overheat",
                        severity,
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
    }
}
