package io.fieldhub.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.routes.SettableClock;
import io.fieldhub.routes.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wake-ups against a real PostgreSQL: a route is woken once the transaction that made its work commits, never
 * before and never for one rolled back; the fan-out wakes only the channels it gave notifications due now; and
 * however many wake-ups arrive, one waits.
 */
class WakeupsIT {

    static final String ROUTING = """
            people:
              ops: {email: ops@example.com, phone: "+4915112345678"}
            rules:
              - channels: [email, sms]
                to: [ops]
            quiet-hours:
              - {from: "22:00", to: "07:00", zone: UTC, channels: [sms]}
            """;

    @TempDir
    static Path dir;

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static DefaultCamelContext camel;
    static Wakeups wakeups;
    static AlertLifecycle lifecycle;
    static NotificationRouting routing;

    @BeforeAll
    static void start() throws Exception {
        camel = new DefaultCamelContext();
        camel.start();
        wakeups = new Wakeups(camel);
        lifecycle = new AlertLifecycle(
                db.jdbc(),
                db.tx(),
                new AlertLifecycle.Settings(Duration.ofMinutes(1), Duration.ofMinutes(15), 3),
                Clock.systemUTC(),
                new SimpleMeterRegistry(),
                wakeups::fanOut);
        routing = AlertMaker.routing(dir, ROUTING);
    }

    @AfterAll
    static void stop() {
        if (camel != null) {
            camel.stop();
        }
    }

    @BeforeEach
    void nothingWaiting() {
        for (String route : List.of("notify-fanout", "notify-email", "notify-sms")) {
            queue(route).clear();
        }
    }

    @Test
    void aNewTransitionWakesTheFanOutOnceItCommitsAndNotBefore() {
        db.tx().executeWithoutResult(status -> {
            lifecycle.apply(List.of(AlertMaker.trigger("Engine overheat", "CRITICAL", "engine-1")), List.of());
            assertThat(waiting("notify-fanout")).as("not before the commit").isZero();
        });

        assertThat(waiting("notify-fanout")).isEqualTo(1);
    }

    @Test
    void aRolledBackTransitionWakesNothing() {
        db.tx().executeWithoutResult(status -> {
            lifecycle.apply(List.of(AlertMaker.trigger("Engine overheat", "CRITICAL", "engine-1")), List.of());
            status.setRollbackOnly();
        });

        assertThat(db.count("alert_transition")).isZero();
        assertThat(waiting("notify-fanout")).isZero();
    }

    @Test
    void aTriggerOnAnOpenAlertIsNoTransitionAndWakesNothing() {
        lifecycle.applyOutsideMessages(List.of(AlertMaker.trigger("Engine overheat", "CRITICAL", "engine-1")), false);
        queue("notify-fanout").clear();

        lifecycle.applyOutsideMessages(List.of(AlertMaker.trigger("Engine overheat", "CRITICAL", "engine-1")), false);

        assertThat(db.count("alert_transition")).isEqualTo(1);
        assertThat(waiting("notify-fanout")).isZero();
    }

    @Test
    void theFanOutWakesOnlyTheChannelsItGaveNotificationsDueNow() {
        // a night in the future, so the quiet hours hold the SMS back until PostgreSQL's now() is long past the test
        var night = new SettableClock(
                LocalDate.now(ZoneOffset.UTC).plusYears(1).atTime(23, 30).toInstant(ZoneOffset.UTC));
        var fanOut = new NotificationFanOut(db.jdbc(), db.tx(), routing, night, 100, wakeups::channel);
        lifecycle.applyOutsideMessages(List.of(AlertMaker.trigger("Engine overheat", "WARNING", "engine-1")), false);

        assertThat(fanOut.routeDue()).isEqualTo(1);

        assertThat(db.jdbc()
                        .queryForList(
                                "select channel from notification where next_attempt_at > ?",
                                String.class,
                                Timestamp.from(Instant.now().plusSeconds(3600))))
                .containsExactly("sms");
        assertThat(waiting("notify-email")).isEqualTo(1);
        assertThat(waiting("notify-sms"))
                .as("held back by quiet hours: its timer finds it")
                .isZero();
    }

    @Test
    void howeverManyWakeUpsArriveOneWaits() {
        for (int i = 0; i < 1000; i++) {
            wakeups.channel("email");
        }

        assertThat(waiting("notify-email")).isEqualTo(1);
    }

    private static int waiting(String route) {
        return queue(route).size();
    }

    private static BlockingQueue<?> queue(String route) {
        return camel.getEndpoint("seda:" + route + "?size=1", SedaEndpoint.class)
                .getQueue();
    }
}
