package io.fieldhub.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.fieldhub.routes.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * The outbox against a real PostgreSQL, as the channel routes use it: a claim is a lease; a failure is retried with
 * exponential backoff, a permanent one is final; every attempt is recorded and shown by
 * {@code GET /api/alerts/{id}/notifications}; one alert's notifications to one recipient go out in order.
 */
class NotificationOutboxIT {

    static final Duration LEASE = Duration.ofMillis(500);
    static final String ROUTING = """
            people:
              ops: {email: ops@example.com}
              maria: {phone: "+4915112345678"}
            rules:
              - channels: [email]
                to: [ops]
              - match: {severity: CRITICAL}
                channels: [sms, crm]
                to: [maria]
            """;

    @TempDir
    static Path dir;

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final AlertMaker alerts = new AlertMaker(db);
    static NotificationFanOut fanOut;
    static NotificationOutbox outbox;
    static MockMvc api;

    @BeforeAll
    static void start() throws Exception {
        fanOut = new NotificationFanOut(
                db.jdbc(), db.tx(), AlertMaker.routing(dir, ROUTING), Clock.systemUTC(), 100, channel -> {});
        JdbcClient jdbc = JdbcClient.create(db.dataSource());
        outbox = new NotificationOutbox(jdbc, db.tx(), "http://hub.example.com:8080/", LEASE);
        api = MockMvcBuilders.standaloneSetup(new NotificationController(jdbc, outbox))
                .defaultRequest(get("/").accept(MediaType.APPLICATION_JSON))
                .build();
    }

    @Test
    void aClaimCarriesTheAlertAndIsALeaseThatRunsOutIfTheSenderDies() {
        long alert = alerts.raise("Engine overheat", "CRITICAL", "engine-42");
        fanOut.routeDue();

        List<Outgoing> claimed = outbox.claim("sms", 10);

        assertThat(claimed).singleElement().satisfies(o -> {
            assertThat(o.recipient()).isEqualTo("maria");
            assertThat(o.address()).isEqualTo("+4915112345678");
            assertThat(o.kind()).isEqualTo("TRANSITION");
            assertThat(o.attempt()).isEqualTo(1);
            assertThat(o.transition()).isEqualTo("RAISED");
            assertThat(o.alertId()).isEqualTo(alert);
            assertThat(o.deviceId()).isEqualTo("engine-42");
            assertThat(o.severity()).isEqualTo("CRITICAL");
            assertThat(o.metric()).isEqualTo("temperature");
            assertThat(o.value()).isEqualTo(95.5);
            assertThat(o.threshold()).isEqualTo(90.0);
            assertThat(o.alertUrl()).isEqualTo("http://hub.example.com:8080/api/alerts/" + alert);
            assertThat(o.digestOf()).isEmpty();
        });
        assertThat(outbox.claim("sms", 10)).as("leased to the first claimer").isEmpty();
        assertThat(outbox.claim("email", 10)).as("each channel claims its own").hasSize(1);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !outbox.claim("sms", 10).isEmpty());
        assertThat(db.jdbc().queryForObject("select attempts from notification where channel = 'sms'", Integer.class))
                .isEqualTo(2);
    }

    @Test
    void aFailureIsRetriedWithExponentialBackoffAndAPermanentOneIsFinal() {
        alerts.raise("Engine overheat", "CRITICAL", "engine-1");
        fanOut.routeDue();
        long sms = outbox.claim("sms", 1).get(0).id();
        long crm = outbox.claim("crm", 1).get(0).id();

        outbox.failed(sms, "SMSC unreachable", false);
        assertThat(secondsToNextAttempt(sms)).isBetween(0.5, 1.0);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !outbox.claim("sms", 1).isEmpty());
        outbox.failed(sms, "SMSC unreachable", false);
        assertThat(secondsToNextAttempt(sms)).as("attempt 2: 2 s").isBetween(1.5, 2.0);
        db.jdbc().update("update notification set attempts = 12 where id = ?", sms);
        outbox.circuitOpen(sms, "circuit open");
        assertThat(secondsToNextAttempt(sms)).as("at most 5 minutes").isBetween(299.0, 300.0);

        outbox.failed(crm, "INVALID_FIELD: no such field", true);
        db.jdbc().update("update notification set next_attempt_at = now() - interval '1 hour'");
        assertThat(outbox.claim("crm", 10)).as("FAILED is final").isEmpty();
        assertThat(db.jdbc()
                        .queryForList(
                                "select state || ' ' || attempts || ' ' || last_error from notification"
                                        + " where channel = 'crm'",
                                String.class))
                .containsExactly("FAILED 1 INVALID_FIELD: no such field");
        assertThat(db.jdbc()
                        .queryForList(
                                "select n.channel || ' ' || a.outcome || ' ' || a.detail"
                                        + " from notification_attempt a join notification n on n.id = a.notification_id order by a.id",
                                String.class))
                .containsExactly(
                        "sms RETRY SMSC unreachable",
                        "sms RETRY SMSC unreachable",
                        "sms CIRCUIT_OPEN circuit open",
                        "crm FAILED INVALID_FIELD: no such field");
    }

    @Test
    void sentAndDeliveredAreRecordedAndShownWithEveryAttemptByTheApi() throws Exception {
        long alert = alerts.raise("Engine overheat", "CRITICAL", "engine-1");
        fanOut.routeDue();
        Outgoing sms = outbox.claim("sms", 1).get(0);
        outbox.failed(sms.id(), "SMSC unreachable", false);
        db.jdbc().update("update notification set next_attempt_at = now() where id = ?", sms.id());
        outbox.claim("sms", 1);
        outbox.sent(sms.id(), "smsc-0001");
        outbox.delivered("sms", "smsc-0001", "DELIVRD", Instant.parse("2026-11-26T10:00:05Z"));

        api.perform(get("/api/alerts/{id}/notifications", alert))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(3))
                .andExpect(jsonPath("$[0].channel").value("email"))
                .andExpect(jsonPath("$[0].state").value("PENDING"))
                .andExpect(jsonPath("$[1].channel").value("sms"))
                .andExpect(jsonPath("$[1].recipient").value("maria"))
                .andExpect(jsonPath("$[1].address").value("+4915112345678"))
                .andExpect(jsonPath("$[1].transition").value("RAISED"))
                .andExpect(jsonPath("$[1].state").value("SENT"))
                .andExpect(jsonPath("$[1].providerRef").value("smsc-0001"))
                .andExpect(jsonPath("$[1].delivery").value("DELIVRD"))
                .andExpect(jsonPath("$[1].deliveredAt").value("2026-11-26T10:00:05Z"))
                .andExpect(jsonPath("$[1].attempts.length()").value(2))
                .andExpect(jsonPath("$[1].attempts[0].outcome").value("RETRY"))
                .andExpect(jsonPath("$[1].attempts[0].detail").value("SMSC unreachable"))
                .andExpect(jsonPath("$[1].attempts[1].outcome").value("SENT"))
                .andExpect(jsonPath("$[2].channel").value("crm"))
                .andExpect(jsonPath("$[2].address").value("Case"));
        api.perform(get("/api/alerts/{id}/notifications", alert + 1000))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("no alert " + (alert + 1000)));
    }

    @Test
    void oneAlertsNotificationsToOneRecipientGoOutInOrder() {
        alerts.raise("Engine overheat", "CRITICAL", "engine-1");
        alerts.clear("engine-1");
        fanOut.routeDue();

        List<Outgoing> first = outbox.claim("crm", 10);
        assertThat(first)
                .extracting(Outgoing::transition)
                .as("the case is closed only after it is opened")
                .containsExactly("RAISED");
        outbox.failed(first.get(0).id(), "503 Service Unavailable", false);
        db.jdbc().update("update notification set next_attempt_at = now() where channel = 'crm' and attempts = 0");
        assertThat(outbox.claim("crm", 10))
                .as("the CLEARED waits while the RAISED is retried")
                .isEmpty();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !outbox.claim("crm", 10).isEmpty());
        outbox.sent(first.get(0).id(), "500000000000001");
        assertThat(outbox.claim("crm", 10)).extracting(Outgoing::transition).containsExactly("CLEARED");
    }

    @Test
    void oneHeldBackByQuietHoursDoesNotHoldUpALaterOne() {
        alerts.raise("Engine overheat", "CRITICAL", "engine-1");
        alerts.clear("engine-1");
        fanOut.routeDue();
        db.jdbc().update("""
                update notification set next_attempt_at = now() + interval '6 hours'
                where channel = 'email' and transition_id = (select min(transition_id) from notification)""");

        assertThat(outbox.claim("email", 10)).extracting(Outgoing::transition).containsExactly("CLEARED");
    }

    @Test
    void concurrentClaimsNeverHandOutTheSameNotification() throws Exception {
        for (int i = 0; i < 40; i++) {
            alerts.raise("Engine overheat", "WARNING", "engine-" + i);
        }
        fanOut.routeDue();
        // a lease longer than the test, so no notification is claimed again because its lease ran out
        var outbox = new NotificationOutbox(
                JdbcClient.create(db.dataSource()), db.tx(), "http://hub:8080", Duration.ofMinutes(1));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Long>>> claims = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                claims.add(pool.submit((Callable<List<Long>>) () -> {
                    List<Long> ids = new ArrayList<>();
                    for (int round = 0; round < 10; round++) {
                        outbox.claim("email", 3).forEach(o -> ids.add(o.id()));
                    }
                    return ids;
                }));
            }
            Set<Long> unique = new HashSet<>();
            int total = 0;
            for (Future<List<Long>> claim : claims) {
                List<Long> ids = claim.get(60, TimeUnit.SECONDS);
                total += ids.size();
                unique.addAll(ids);
            }
            assertThat(total).isEqualTo(unique.size()).isEqualTo(40);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double secondsToNextAttempt(long id) {
        return db.jdbc()
                .queryForObject(
                        "select extract(epoch from next_attempt_at - now()) from notification" + " where id = ?",
                        Double.class,
                        id);
    }
}
