package io.fieldhub.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.routes.TestDatabase;
import io.fieldhub.store.WarmStore;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * The alert lifecycle against a real PostgreSQL, fed through the real warm store and read through the REST API:
 * one live alert per (rule, device) that repeats update, replays do not count, hysteresis clears, operators
 * acknowledge, unacknowledged alerts escalate, and every transition is in the history.
 */
class AlertLifecycleIT {

    static final Instant T0 = Instant.parse("2026-11-26T10:00:00.123Z");
    static final String RULE = "Engine overheat";
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static DefaultCamelContext camel;
    static SimpleMeterRegistry meters;
    static AlertLifecycle lifecycle;
    static MockMvc api;

    /** One message for the warm store: the reading and the triggers the rules raised on it. */
    record Message(TelemetryRecord reading, List<RaisedAlert> triggers) {}

    @BeforeAll
    static void start() {
        camel = new DefaultCamelContext();
        camel.start();
        meters = new SimpleMeterRegistry();
        // hub.alerts.* as config/application.yaml ships them
        lifecycle = new AlertLifecycle(
                db.jdbc(),
                db.tx(),
                new AlertLifecycle.Settings(Duration.ofMinutes(1), Duration.ofMinutes(15), 3),
                Clock.systemUTC(),
                meters,
                () -> {});
        // JSON, as Spring Boot's converter order makes it for a client that does not say (XML is on the classpath)
        api = MockMvcBuilders.standaloneSetup(new AlertController(JdbcClient.create(db.dataSource()), lifecycle))
                .defaultRequest(get("/").accept(MediaType.APPLICATION_JSON))
                .build();
    }

    @AfterAll
    static void stop() {
        if (camel != null) {
            camel.stop();
        }
    }

    @Test
    void aFirstTriggerOpensAnAlertWithARaisedTransition() throws Exception {
        store(hot("m-1", "engine-1", 95.5, T0));

        assertThat(alerts())
                .singleElement()
                .satisfies(a -> assertThat(a)
                        .containsEntry("rule_id", RULE)
                        .containsEntry("device_id", "engine-1")
                        .containsEntry("severity", "CRITICAL")
                        .containsEntry("state", "OPEN")
                        .containsEntry("tier", 0)
                        .containsEntry("count", 1)
                        .containsEntry("metric", "temperature")
                        .containsEntry("threshold", 90.0)
                        .containsEntry("first_value", 95.5)
                        .containsEntry("last_value", 95.5)
                        .containsEntry("first_ts", ts(T0))
                        .containsEntry("last_ts", ts(T0))
                        .containsEntry("first_message_id", "m-1")
                        .containsEntry("last_message_id", "m-1")
                        .containsEntry("trace_id", TRACE)
                        .containsEntry("clear_after", null));
        assertThat(history()).containsExactly("RAISED by rules");
    }

    @Test
    void repeatsInOneBatchAndAcrossBatchesUpdateTheOpenAlertInsteadOfOpeningAnother() throws Exception {
        // one batch, out of device-time order: the latest by time wins, not the latest to arrive
        store(
                hot("m-1", "engine-1", 95.0, T0.plusSeconds(1)),
                hot("m-2", "engine-1", 97.0, T0.plusSeconds(3)),
                hot("m-3", "engine-1", 96.0, T0.plusSeconds(2)));
        store(hot("m-4", "engine-1", 91.0, T0.plusSeconds(4)), hot("m-5", "engine-1", 92.0, T0.plusSeconds(5)));

        assertThat(alerts())
                .singleElement()
                .satisfies(a -> assertThat(a)
                        .containsEntry("count", 5)
                        .containsEntry("state", "OPEN")
                        .containsEntry("first_value", 95.0)
                        .containsEntry("first_message_id", "m-1")
                        .containsEntry("first_ts", ts(T0.plusSeconds(1)))
                        .containsEntry("last_value", 92.0)
                        .containsEntry("last_message_id", "m-5")
                        .containsEntry("last_ts", ts(T0.plusSeconds(5)))
                        .containsEntry("text", "engine-1 at 92.0"));
        assertThat(history()).as("repeats are not transitions").containsExactly("RAISED by rules");
        assertThat(meters.counter(AlertLifecycle.TRIGGERS_METRIC).count()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aLateTriggerCountsButDoesNotMoveTheLatestBack() throws Exception {
        store(hot("m-1", "engine-1", 95.0, T0.plusSeconds(10)));
        store(hot("m-late", "engine-1", 99.0, T0));

        assertThat(alerts())
                .singleElement()
                .satisfies(a -> assertThat(a)
                        .containsEntry("count", 2)
                        .containsEntry("first_ts", ts(T0))
                        .containsEntry("first_value", 99.0)
                        .containsEntry("last_ts", ts(T0.plusSeconds(10)))
                        .containsEntry("last_value", 95.0));
    }

    @Test
    void replayedMessageIdsDoNotCountTwice() throws Exception {
        double before = meters.counter(AlertLifecycle.TRIGGERS_METRIC).count();
        Message first = hot("m-1", "engine-1", 95.0, T0);
        store(first);
        // a broker redelivery of m-1, m-2 arriving twice in one batch, and a new one
        store(
                first,
                hot("m-2", "engine-1", 96.0, T0.plusSeconds(1)),
                hot("m-2", "engine-1", 96.0, T0.plusSeconds(1)),
                hot("m-3", "engine-1", 97.0, T0.plusSeconds(2)));
        store(first);

        assertThat(alerts())
                .singleElement()
                .satisfies(a -> assertThat(a).containsEntry("count", 3).containsEntry("last_message_id", "m-3"));
        assertThat(meters.counter(AlertLifecycle.TRIGGERS_METRIC).count() - before)
                .isEqualTo(3);
    }

    @Test
    void anAlertClearsOnlyOnceItsDeviceHasReportedClearAfterWithoutATrigger() throws Exception {
        store(hot("m-1", "engine-1", 95.0, T0), hot("other-1", "engine-2", 95.0, T0));
        store(cool("m-2", "engine-1", T0.plusSeconds(59)), cool("x-1", "engine-9", T0.plusSeconds(600)));
        assertThat(states())
                .as("59 s is within the hysteresis, and another device's reading does not count")
                .containsExactly("engine-1 OPEN", "engine-2 OPEN");

        store(cool("m-3", "engine-1", T0.plusSeconds(60)));

        assertThat(states()).containsExactly("engine-1 CLEARED", "engine-2 OPEN");
        assertThat(history("engine-1")).containsExactly("RAISED by rules", "CLEARED by rules");
        assertThat(db.jdbc()
                        .queryForObject(
                                "select cleared_at is not null from alert where device_id = 'engine-1'", Boolean.class))
                .isTrue();
    }

    @Test
    void aRulesOwnClearAfterOverridesTheDefault() throws Exception {
        var trigger = new RaisedAlert(
                RULE, "WARNING", "engine-1", "m-1", "temperature", 95.0, 90.0, "hot", T0, TRACE, Duration.ofMinutes(5));
        store(new Message(reading("m-1", "engine-1", 95.0, T0), List.of(trigger)));
        store(cool("m-2", "engine-1", T0.plus(Duration.ofMinutes(4))));
        assertThat(states()).containsExactly("engine-1 OPEN");

        store(cool("m-3", "engine-1", T0.plus(Duration.ofMinutes(5))));
        assertThat(states()).containsExactly("engine-1 CLEARED");
    }

    @Test
    void anAlertTriggeredAgainInTheBatchThatWouldClearItStaysOpen() throws Exception {
        store(hot("m-1", "engine-1", 95.0, T0));

        store(cool("m-2", "engine-1", T0.plusSeconds(90)), hot("m-3", "engine-1", 96.0, T0.plusSeconds(91)));

        assertThat(states()).containsExactly("engine-1 OPEN");
    }

    @Test
    void aTriggerAfterTheAlertClearedOpensANewAlert() throws Exception {
        store(hot("m-1", "engine-1", 95.0, T0));
        store(cool("m-2", "engine-1", T0.plusSeconds(120)));

        store(hot("m-3", "engine-1", 98.0, T0.plusSeconds(180)));

        assertThat(states()).containsExactly("engine-1 CLEARED", "engine-1 OPEN");
        assertThat(alerts().get(1)).containsEntry("count", 1).containsEntry("first_message_id", "m-3");
        assertThat(db.jdbc().queryForList("select transition from alert_transition order by id", String.class))
                .containsExactly("RAISED", "CLEARED", "RAISED");
    }

    @Test
    void anOperatorAcknowledgesAnOpenAlertOnce() throws Exception {
        store(hot("m-1", "engine-1", 95.0, T0));
        long id = alertId("engine-1");

        api.perform(post("/api/alerts/" + id + "/ack")
                        .principal(() -> "maria")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"by\": \"mallory\", \"note\": \"on my way\"}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(id))
                .andExpect(jsonPath("$.state").value("ACKNOWLEDGED"))
                .andExpect(jsonPath("$.acknowledgedBy").value("maria"))
                .andExpect(jsonPath("$.acknowledgedAt").isNotEmpty());
        api.perform(post("/api/alerts/" + id + "/ack").principal(() -> "maria"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.error").value("alert " + id + " is already acknowledged"));
        api.perform(post("/api/alerts/" + (id + 1000) + "/ack").principal(() -> "maria"))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("no alert " + (id + 1000)));

        // a trigger still counts on the acknowledged alert, and the clear ends it
        store(hot("m-2", "engine-1", 96.0, T0.plusSeconds(10)));
        assertThat(states()).containsExactly("engine-1 ACKNOWLEDGED");
        store(cool("m-3", "engine-1", T0.plusSeconds(100)));
        api.perform(post("/api/alerts/" + id + "/ack").principal(() -> "maria"))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.error")
                        .value("alert " + id + " is cleared; only an open alert can be acknowledged"));

        api.perform(get("/api/alerts/" + id + "/history"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[*].transition")
                        .value(org.hamcrest.Matchers.contains("RAISED", "ACKNOWLEDGED", "CLEARED")))
                .andExpect(jsonPath("$[*].actor").value(org.hamcrest.Matchers.contains("rules", "maria", "rules")))
                .andExpect(jsonPath("$[1].detail").value("on my way"));
        api.perform(get("/api/alerts/" + (id + 1000) + "/history")).andExpect(status().isNotFound());
    }

    @Test
    void aNoteTooLongIsRefusedAndTheAlertStaysOpen() throws Exception {
        store(hot("m-1", "engine-1", 95.0, T0));
        long id = alertId("engine-1");

        api.perform(post("/api/alerts/" + id + "/ack")
                        .principal(() -> "maria")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"note\": \"" + "x".repeat(501) + "\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("the note is 501 characters; at most 500 are allowed"));
        assertThat(history()).containsExactly("RAISED by rules");
    }

    @Test
    void unacknowledgedAlertsEscalateATierPerPeriodUpToTheMaxTier() throws Exception {
        store(hot("m-1", "engine-1", 95.0, T0), hot("m-2", "engine-2", 95.0, T0));
        Instant opened = db.jdbc()
                .queryForObject("select min(opened_at) from alert", Timestamp.class)
                .toInstant();
        lifecycle.acknowledge(alertId("engine-2"), "maria", null);

        assertThat(lifecycle.escalateDue(opened.plus(Duration.ofMinutes(14)))).isZero();
        assertThat(lifecycle.escalateDue(opened.plus(Duration.ofMinutes(16)))).isEqualTo(1);
        assertThat(lifecycle.escalateDue(opened.plus(Duration.ofMinutes(30))))
                .as("the next tier counts from the last escalation")
                .isZero();
        assertThat(lifecycle.escalateDue(opened.plus(Duration.ofMinutes(31)))).isEqualTo(1);
        assertThat(lifecycle.escalateDue(opened.plus(Duration.ofMinutes(46)))).isEqualTo(1);
        assertThat(lifecycle.escalateDue(opened.plus(Duration.ofHours(5))))
                .as("tier 3 is the last")
                .isZero();

        assertThat(tier("engine-1")).isEqualTo(3);
        assertThat(tier("engine-2"))
                .as("acknowledged: nobody needs to be woken")
                .isZero();
        assertThat(history("engine-1"))
                .containsExactly(
                        "RAISED by rules",
                        "ESCALATED by escalation",
                        "ESCALATED by escalation",
                        "ESCALATED by escalation");
        assertThat(db.jdbc().queryForList("""
                select t.tier from alert_transition t join alert a on a.id = t.alert_id
                where a.device_id = 'engine-1' order by t.id""", Integer.class)).containsExactly(0, 1, 2, 3);
        assertThat(db.jdbc().queryForObject("""
                select escalated_at from alert where device_id = 'engine-1'""", Timestamp.class).toInstant())
                .isEqualTo(opened.plus(Duration.ofMinutes(46)));
    }

    @Test
    void triggersOutsideMessagesOpenAndCountAlerts() {
        var silent = new RaisedAlert(
                "Device silent", "WARNING", "engine-1", null, null, null, null, "engine-1 is silent", T0, null, null);

        assertThat(lifecycle.applyOutsideMessages(List.of(silent, silent), false))
                .isEqualTo(2);

        assertThat(alerts())
                .singleElement()
                .satisfies(a -> assertThat(a)
                        .containsEntry("rule_id", "Device silent")
                        .containsEntry("count", 2)
                        .containsEntry("first_message_id", null)
                        .containsEntry("metric", null));
        assertThat(history()).containsExactly("RAISED by rules");
    }

    @Test
    void aRebuildAppliesOnlyTriggersNewerThanTheLatestRecorded() throws Exception {
        store(hot("m-1", "engine-1", 95.0, T0), hot("m-2", "engine-1", 96.0, T0.plusSeconds(10)));

        // the rules replay stored readings at start: what was applied before must not count again
        assertThat(lifecycle.applyOutsideMessages(
                        List.of(trigger("engine-1", 95.0, T0), trigger("engine-1", 96.0, T0.plusSeconds(10))), true))
                .isZero();
        assertThat(alerts()).singleElement().satisfies(a -> assertThat(a).containsEntry("count", 2));

        store(cool("m-3", "engine-1", T0.plusSeconds(100)));
        assertThat(lifecycle.applyOutsideMessages(List.of(trigger("engine-1", 96.0, T0.plusSeconds(10))), true))
                .as("nor reopen a cleared alert")
                .isZero();
        assertThat(states()).containsExactly("engine-1 CLEARED");

        assertThat(lifecycle.applyOutsideMessages(
                        List.of(
                                trigger("engine-1", 95.0, T0),
                                trigger("engine-1", 97.0, T0.plusSeconds(200)),
                                trigger("engine-3", 91.0, T0)),
                        true))
                .as("newer than recorded, or never recorded")
                .isEqualTo(2);
        assertThat(states()).containsExactly("engine-1 CLEARED", "engine-1 OPEN", "engine-3 OPEN");
        assertThat(alerts().get(1)).containsEntry("count", 1).containsEntry("last_value", 97.0);
    }

    @Test
    void theListFiltersByStateDeviceSeverityRuleAndTimeNewestFirst() throws Exception {
        store(hot("m-1", "engine-1", 95.0, T0));
        store(hot("m-2", "engine-2", 95.0, T0.plusSeconds(10)));
        store(new Message(
                reading("m-3", "engine-3", 85.0, T0.plusSeconds(20)),
                List.of(new RaisedAlert(
                        "Engine warm",
                        "WARNING",
                        "engine-3",
                        "m-3",
                        "temperature",
                        85.0,
                        80.0,
                        "warm",
                        T0.plusSeconds(20),
                        TRACE,
                        null))));
        store(cool("m-4", "engine-1", T0.plusSeconds(120)));
        long e2 = alertId("engine-2");
        lifecycle.acknowledge(e2, "maria", null);

        assertThat(list("")).containsExactly("engine-3", "engine-2", "engine-1");
        assertThat(list("?state=open")).containsExactly("engine-3");
        assertThat(list("?state=ACKNOWLEDGED")).containsExactly("engine-2");
        assertThat(list("?state=CLEARED&deviceId=engine-1")).containsExactly("engine-1");
        assertThat(list("?deviceId=engine-2")).containsExactly("engine-2");
        assertThat(list("?severity=warning")).containsExactly("engine-3");
        assertThat(list("?ruleId=Engine overheat")).containsExactly("engine-2", "engine-1");
        assertThat(list("?from=" + T0.plusSeconds(10))).containsExactly("engine-3", "engine-2");
        assertThat(list("?from=" + T0.plusSeconds(5) + "&to=" + T0.plusSeconds(20)))
                .containsExactly("engine-2");
        assertThat(list("?limit=2")).containsExactly("engine-3", "engine-2");
        api.perform(get("/api/alerts/" + e2))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.deviceId").value("engine-2"))
                .andExpect(jsonPath("$.count").value(1))
                .andExpect(jsonPath("$.lastTs").value(T0.plusSeconds(10).toString()));
        api.perform(get("/api/alerts/" + (e2 + 1000)))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error").value("no alert " + (e2 + 1000)));

        for (String[] bad : new String[][] {
            {"state", "BURNING"}, {"severity", "HUGE"}, {"from", "yesterday"}, {"to", "2026-13-01"}, {"limit", "ten"}
        }) {
            api.perform(get("/api/alerts").param(bad[0], bad[1]))
                    .andExpect(status().isBadRequest())
                    .andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.startsWith(bad[0] + " must be")));
        }
    }

    // --- the warm store, as the store-warm route runs it

    /** Sends the messages to a warm store as exactly one batch, and waits until it has committed. */
    private static void store(Message... messages) throws Exception {
        var store = new WarmStore(
                db.jdbc(), db.tx(), new ObjectMapper(), lifecycle, messages.length, Duration.ofSeconds(10), meters);
        try {
            CountDownLatch committed = new CountDownLatch(messages.length);
            List<Exchange> exchanges = new ArrayList<>();
            for (Message m : messages) {
                Exchange exchange = new DefaultExchange(camel);
                exchange.getMessage().setBody(m.reading());
                exchange.getMessage().setHeader("alerts", m.triggers());
                exchanges.add(exchange);
                store.process(exchange, doneSync -> committed.countDown());
            }
            assertThat(committed.await(30, TimeUnit.SECONDS))
                    .as("the batch committed")
                    .isTrue();
            assertThat(exchanges).allSatisfy(e -> assertThat(e.getException()).isNull());
        } finally {
            store.drainAndStop();
        }
    }

    private static Message hot(String messageId, String deviceId, double temperature, Instant ts) {
        TelemetryRecord r = reading(messageId, deviceId, temperature, ts);
        return new Message(
                r,
                List.of(new RaisedAlert(
                        RULE,
                        "CRITICAL",
                        deviceId,
                        messageId,
                        "temperature",
                        temperature,
                        90.0,
                        deviceId + " at " + temperature,
                        ts,
                        TRACE,
                        null)));
    }

    private static Message cool(String messageId, String deviceId, Instant ts) {
        return new Message(reading(messageId, deviceId, 70.0, ts), List.of());
    }

    private static TelemetryRecord reading(String messageId, String deviceId, double temperature, Instant ts) {
        return new TelemetryRecord(
                messageId,
                deviceId,
                ts,
                ts.plusMillis(40),
                Map.of("temperature", temperature),
                Map.of("type", "engine"),
                TRACE);
    }

    private static RaisedAlert trigger(String deviceId, double temperature, Instant ts) {
        return hot("replayed", deviceId, temperature, ts).triggers().get(0);
    }

    // --- what the tests read back

    private static List<Map<String, Object>> alerts() {
        return db.jdbc().queryForList("select * from alert order by id");
    }

    private static List<String> states() {
        return db.jdbc()
                .queryForList("select device_id || ' ' || state from alert order by device_id, id", String.class);
    }

    private static long alertId(String deviceId) {
        return db.jdbc()
                .queryForObject(
                        "select id from alert where device_id = ? and state <> 'CLEARED'", Long.class, deviceId);
    }

    private static int tier(String deviceId) {
        return db.jdbc().queryForObject("select tier from alert where device_id = ?", Integer.class, deviceId);
    }

    private static List<String> history() {
        return db.jdbc()
                .queryForList("select transition || ' by ' || actor from alert_transition order by id", String.class);
    }

    private static List<String> history(String deviceId) {
        return db.jdbc().queryForList("""
                select t.transition || ' by ' || t.actor from alert_transition t join alert a on a.id = t.alert_id
                where a.device_id = ? order by t.id""", String.class, deviceId);
    }

    private static List<String> list(String query) throws Exception {
        String body = api.perform(get("/api/alerts" + query))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
        List<String> devices = new ArrayList<>();
        new ObjectMapper()
                .readTree(body)
                .forEach(a -> devices.add(a.path("deviceId").asText()));
        return devices;
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.from(instant);
    }
}
