package io.fieldhub.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.routes.SettableClock;
import io.fieldhub.routes.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fan-out against a real PostgreSQL: each alert transition, made by the real alert lifecycle, becomes the
 * notifications the routing asks for, exactly once, however often and however concurrently it runs; quiet hours
 * set the first attempt; a replay makes nothing new.
 */
class NotificationFanOutIT {

    static final String ROUTING = """
            people:
              ops: {email: ops@example.com}
              maria: {email: maria@example.com, phone: "+4915112345678"}
              jonas: {email: jonas@example.com, phone: "+4915112345679"}
            groups:
              on-call: [maria]
            rules:
              - channels: [email]
                to: [ops]
              - match: {severity: CRITICAL}
                channels: [sms]
                to: [on-call]
              - match: {severity: CRITICAL, transition: RAISED}
                channels: [crm]
              - match: {group: north, type: pump}
                channels: [email]
                to: [jonas]
            escalation:
              - {tier: 1, channels: [sms], to: [jonas]}
              - {tier: 2, channels: [email, sms], to: [maria]}
            quiet-hours:
              - {from: "22:00", to: "07:00", zone: UTC, channels: [sms], except: {severity: CRITICAL}}
            """;

    @TempDir
    static Path dir;

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final AlertMaker alerts = new AlertMaker(db);
    static NotificationRouting routing;
    SettableClock clock;
    NotificationFanOut fanOut;

    @BeforeAll
    static void start() throws Exception {
        routing = AlertMaker.routing(dir, ROUTING);
    }

    @BeforeEach
    void freshClock() {
        clock = new SettableClock(Instant.parse("2026-11-26T12:00:00Z"));
        fanOut = new NotificationFanOut(db.jdbc(), db.tx(), routing, clock, 100, channel -> {});
    }

    @Test
    void eachTransitionBecomesTheNotificationsItsRoutingAsksForOnce() {
        long engine = alerts.raise("Engine overheat", "CRITICAL", "engine-1");
        alerts.device("pump-2", Map.of("group", "north", "site", "plant-2"));
        long pump = alerts.raise("Pump dry", "WARNING", "pump-2");

        assertThat(fanOut.routeDue()).isEqualTo(2);
        assertThat(fanOut.routeDue()).as("nothing left to route").isZero();
        assertThat(notifications())
                .containsExactly(
                        "RAISED engine-1 email ops ops@example.com PENDING",
                        "RAISED engine-1 sms maria +4915112345678 PENDING",
                        "RAISED engine-1 crm crm Case PENDING",
                        "RAISED pump-2 email ops ops@example.com PENDING",
                        "RAISED pump-2 email jonas jonas@example.com PENDING");
        assertThat(db.jdbc()
                        .queryForObject("select count(*) from alert_transition where routed_at is null", Long.class))
                .isZero();
        assertThat(db.jdbc().queryForList("select distinct alert_id from notification order by 1", Long.class))
                .containsExactly(engine, pump);

        alerts.escalate();
        alerts.acknowledge(pump);
        alerts.escalate();
        alerts.clear("engine-1");
        fanOut.routeDue();

        assertThat(notifications())
                .hasSize(17)
                .endsWith(
                        "ESCALATED engine-1 email ops ops@example.com PENDING",
                        "ESCALATED engine-1 sms maria +4915112345678 PENDING",
                        "ESCALATED engine-1 sms jonas +4915112345679 PENDING",
                        "ESCALATED pump-2 email ops ops@example.com PENDING",
                        "ESCALATED pump-2 email jonas jonas@example.com PENDING",
                        "ESCALATED pump-2 sms jonas +4915112345679 PENDING",
                        "ESCALATED engine-1 email ops ops@example.com PENDING",
                        "ESCALATED engine-1 sms maria +4915112345678 PENDING",
                        "ESCALATED engine-1 email maria maria@example.com PENDING",
                        "CLEARED engine-1 email ops ops@example.com PENDING",
                        "CLEARED engine-1 sms maria +4915112345678 PENDING",
                        "CLEARED engine-1 crm crm Case PENDING");
        assertThat(db.jdbc().queryForList("""
                select t.transition from alert_transition t
                where not exists (select 1 from notification n where n.transition_id = t.id) order by t.id""", String.class))
                .as("the acknowledgement notifies nobody, but is routed")
                .containsExactly("ACKNOWLEDGED");
        assertThat(db.jdbc()
                        .queryForObject("select count(*) from alert_transition where routed_at is null", Long.class))
                .isZero();
    }

    @Test
    void concurrentFanOutsRouteEachTransitionExactlyOnce() throws Exception {
        for (int i = 0; i < 60; i++) {
            alerts.raise("Engine overheat", i % 2 == 0 ? "CRITICAL" : "WARNING", "engine-" + i);
        }
        fanOut = new NotificationFanOut(db.jdbc(), db.tx(), routing, clock, 7, channel -> {});
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                runs.add(pool.submit((Callable<Integer>) () -> {
                    go.await();
                    // Each fan-out keeps going until nothing is left to route (a call that finds another fan-out
                    // holding the lock routes nothing), so the count does not depend on how the threads interleave.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    int routed = 0;
                    while (unrouted() > 0 && System.nanoTime() < deadline) {
                        routed += fanOut.routeDue();
                    }
                    return routed;
                }));
            }
            go.countDown();
            int routed = 0;
            for (Future<Integer> run : runs) {
                routed += run.get(60, TimeUnit.SECONDS);
            }
            assertThat(routed).as("each transition routed by one fan-out").isEqualTo(60);
        } finally {
            pool.shutdownNow();
        }
        // 30 critical: email, sms, crm; 30 warnings: email
        assertThat(db.count("notification")).isEqualTo(30 * 3 + 30);
    }

    @Test
    void aReplayOrARebuildAtStartMakesNothingNew() {
        alerts.raise("Engine overheat", "CRITICAL", "engine-1");
        fanOut.routeDue();
        List<String> before = notifications();

        // the rules rebuild their windows at start and raise the same trigger again
        alerts.lifecycle.applyOutsideMessages(
                List.of(AlertMaker.trigger("Engine overheat", "CRITICAL", "engine-1")), true);
        // and even a transition routed again (routed_at lost) inserts nothing twice
        db.jdbc().update("update alert_transition set routed_at = null");
        assertThat(fanOut.routeDue()).isEqualTo(1);

        assertThat(notifications()).isEqualTo(before);
    }

    @Test
    void quietHoursSendSmsWhenTheWindowEndsButLetCriticalAlertsThrough() {
        // a night in the future, so PostgreSQL's now() does not reach the end of the window during the test
        LocalDate night = LocalDate.now(ZoneOffset.UTC).plusYears(1);
        clock.set(night.atTime(23, 30).toInstant(ZoneOffset.UTC));
        alerts.raise("Engine overheat", "CRITICAL", "engine-1");
        alerts.raise("Engine overheat", "WARNING", "engine-2");
        fanOut.routeDue();
        alerts.escalate();
        fanOut.routeDue();

        assertThat(db.jdbc().queryForList("""
                select a.device_id || ' ' || t.transition || ' ' || n.channel || ' ' || n.recipient || ' '
                       || case when n.next_attempt_at > now() + interval '1 day'
                               then to_char(n.next_attempt_at at time zone 'UTC', 'HH24:MI') else 'now' end
                from notification n join alert_transition t on t.id = n.transition_id join alert a on a.id = t.alert_id
                where n.channel = 'sms' order by n.id""", String.class))
                .containsExactly(
                        "engine-1 RAISED sms maria now",
                        "engine-1 ESCALATED sms maria now",
                        "engine-1 ESCALATED sms jonas now",
                        "engine-2 ESCALATED sms jonas 07:00");
        assertThat(db.jdbc()
                        .queryForObject(
                                "select next_attempt_at from notification where recipient = 'jonas'"
                                        + " and alert_id = (select id from alert where device_id = 'engine-2')",
                                java.sql.Timestamp.class)
                        .toInstant())
                .isEqualTo(night.plusDays(1).atTime(7, 0).toInstant(ZoneOffset.UTC));
    }

    /** Each notification as "TRANSITION device channel recipient address STATE", in the order they were made. */
    static List<String> notifications() {
        return db.jdbc().queryForList("""
                select t.transition || ' ' || a.device_id || ' ' || n.channel || ' ' || n.recipient || ' '
                       || n.address || ' ' || n.state
                from notification n join alert_transition t on t.id = n.transition_id join alert a on a.id = n.alert_id
                order by n.id""", String.class);
    }

    private long unrouted() {
        return db.jdbc().queryForObject("select count(*) from alert_transition where routed_at is null", Long.class);
    }
}
