package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.device.DeviceRegistry;
import io.fieldhub.device.LastSeen;
import io.fieldhub.store.WarmStore;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * routes/store-warm.camel.yaml against a real PostgreSQL: a message completes only once its row (and its alerts) are
 * committed, and a message id is stored, and alerted on, once however often and however concurrently it arrives.
 */
class StoreWarmRouteIT {

    static final Instant TS = Instant.parse("2026-11-26T10:00:00.123Z");
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static WarmStore warmStore;
    static LastSeen lastSeen;
    static RouteHarness hub;

    @BeforeAll
    static void start() throws Exception {
        // batch-size and linger as config/application.yaml ships them
        var lifecycle = db.alertLifecycle(Clock.systemUTC(), new SimpleMeterRegistry());
        warmStore = new WarmStore(
                db.jdbc(),
                db.tx(),
                new ObjectMapper(),
                lifecycle,
                500,
                Duration.ofMillis(20),
                new SimpleMeterRegistry());
        var registry = new DeviceRegistry(JdbcClient.create(db.dataSource()), new ObjectMapper(), event -> {});
        lastSeen = new LastSeen(registry, 100);
        warmStore.onStored(lastSeen::saw);
        hub = new RouteHarness()
                .bind("warmStore", warmStore)
                .routes("store-warm.camel.yaml")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        if (warmStore != null) {
            warmStore.drainAndStop();
        }
        if (lastSeen != null) {
            lastSeen.close();
        }
    }

    @Test
    void readingIsCommittedByTheTimeItsMessageCompletes() {
        Exchange done = store(reading("m-1", "pump-7", 4.2), List.of());

        assertThat(done.getException()).isNull();
        Map<String, Object> row = db.jdbc()
                .queryForMap("select message_id, device_id, ts, metrics::text, tags::text, trace_id from telemetry");
        assertThat(row)
                .containsEntry("message_id", "m-1")
                .containsEntry("device_id", "pump-7")
                .containsEntry("metrics", "{\"flow\": 4.2}")
                .containsEntry("tags", "{\"site\": \"plant-1\"}")
                .containsEntry("trace_id", TRACE);
        assertThat(((java.sql.Timestamp) row.get("ts")).toInstant()).isEqualTo(TS);
        assertThat(db.count("alert")).isZero();
    }

    @Test
    void alertsAreStoredWithTheirReading() {
        TelemetryRecord hot = reading("m-2", "engine-7", 95.5);

        store(hot, List.of(overheat(hot)));

        assertThat(db.count("telemetry")).isEqualTo(1);
        Map<String, Object> alert = db.jdbc().queryForMap("""
                select rule_id, severity, device_id, state, count, first_message_id, metric, last_value, threshold,
                       text from alert""");
        assertThat(alert)
                .containsEntry("rule_id", "Engine overheat")
                .containsEntry("severity", "CRITICAL")
                .containsEntry("device_id", "engine-7")
                .containsEntry("state", "OPEN")
                .containsEntry("count", 1)
                .containsEntry("first_message_id", "m-2")
                .containsEntry("metric", "temperature")
                .containsEntry("last_value", 95.5)
                .containsEntry("threshold", 90.0);
        assertThat((String) alert.get("text")).contains("engine-7 is running hot");
        assertThat(db.jdbc()
                        .queryForList("select transition from alert_transition where routed_at is null", String.class))
                .as("waiting for the notification fan-out")
                .containsExactly("RAISED");
    }

    @Test
    void twoDevicesMayUseTheSameMessageIdAndBothAreStored() {
        Exchange first = store(reading("1", "pump-7", 4.2), List.of());
        Exchange second = store(reading("1", "pump-8", 3.9), List.of());
        Exchange resend = store(reading("1", "pump-8", 3.9), List.of());

        assertThat(List.of(first, second, resend))
                .allSatisfy(e -> assertThat(e.getException()).isNull());
        assertThat(db.jdbc()
                        .queryForList(
                                "select device_id from telemetry where message_id = '1' order by id", String.class))
                .containsExactly("pump-7", "pump-8");
    }

    @Test
    void aStoredReadingMarksWhenItsDeviceWasLastSeen() {
        db.jdbc().update("insert into device (id, type, updated_by) values ('pump-9', 'pump', 'test')");

        store(reading("m-9", "pump-9", 1.0), List.of());

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(db.jdbc()
                                .queryForObject(
                                        "select last_seen from device where id = 'pump-9'", java.sql.Timestamp.class))
                        .isNotNull());
    }

    @Test
    void replayedMessageIdAddsNoRowAndCountsNoTrigger() {
        TelemetryRecord hot = reading("m-3", "engine-7", 95.5);
        store(hot, List.of(overheat(hot)));

        Exchange replay = store(hot, List.of(overheat(hot)));

        assertThat(replay.getException())
                .as("a replay completes normally, so the device gets its ack")
                .isNull();
        assertThat(db.count("telemetry")).isEqualTo(1);
        assertThat(db.jdbc().queryForObject("select count from alert", Integer.class))
                .isEqualTo(1);
    }

    @Test
    void aResendIsRecognisedWhileItsKeyIsKeptAndStoredAgainOnceRetentionTrimmedIt() {
        store(reading("m-k", "pump-7", 1.0), List.of());
        Exchange resend = store(reading("m-k", "pump-7", 1.0), List.of());

        assertThat(resend.getException()).as("acknowledged like the first copy").isNull();
        assertThat(db.count("telemetry")).isEqualTo(1);
        assertThat(db.jdbc().queryForList("select device_id || ' ' || message_id from telemetry_key", String.class))
                .containsExactly("pump-7 m-k");

        // what retention-dedupe-keys does once the key is older than hub.retention.dedupe-window
        db.jdbc().update("delete from telemetry_key");
        store(reading("m-k", "pump-7", 1.0), List.of());

        assertThat(db.count("telemetry")).isEqualTo(2);
    }

    @Test
    void concurrentMessagesAreEachStoredExactlyOnce() throws Exception {
        int threads = 4;
        int perThread = 1000;
        int distinct = 2000;
        ExecutorService senders = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<CompletableFuture<Exchange>>>> sent = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                // Threads 0 and 1 send messages 0..999, threads 2 and 3 send 1000..1999: every id arrives twice,
                // from two threads at once, as after a broker redelivery. Every tenth reading is hot.
                int first = (t / 2) * perThread;
                sent.add(senders.submit(() -> {
                    List<CompletableFuture<Exchange>> mine = new ArrayList<>();
                    for (int i = first; i < first + perThread; i++) {
                        TelemetryRecord r = reading("c-" + i, "engine-" + (i % 7), i % 10 == 0 ? 95.0 : 70.0);
                        mine.add(hub.template().asyncSend("direct:store-warm", e -> {
                            e.getMessage().setBody(r);
                            e.getMessage()
                                    .setHeader(
                                            "alerts", r.metric("temperature") > 90 ? List.of(overheat(r)) : List.of());
                        }));
                    }
                    return mine;
                }));
            }
            for (Future<List<CompletableFuture<Exchange>>> thread : sent) {
                for (CompletableFuture<Exchange> message : thread.get(60, TimeUnit.SECONDS)) {
                    assertThat(message.get(60, TimeUnit.SECONDS).getException()).isNull();
                }
            }
        } finally {
            senders.shutdownNow();
        }

        assertThat(db.count("telemetry")).as("one row a message id").isEqualTo(distinct);
        // every hot message counted once, on the one open alert of its engine (engine-0 .. engine-6)
        assertThat(db.count("alert")).isEqualTo(7);
        assertThat(db.jdbc().queryForObject("select sum(count) from alert", Long.class))
                .isEqualTo(distinct / 10);
    }

    @Test
    void readingThatArrivesDuringADatabaseOutageIsStoredOnceTheDatabaseIsBack() throws Exception {
        db.stopServer();
        CompletableFuture<Exchange> pending;
        try {
            pending = hub.template().asyncSend("direct:store-warm", e -> {
                e.getMessage().setBody(reading("m-outage", "pump-7", 4.2));
                e.getMessage().setHeader("alerts", List.of());
            });
            await("the message stays in flight (unacknowledged) while PostgreSQL is down")
                    .during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> !pending.isDone());
        } finally {
            db.restartServer();
        }

        Exchange done = pending.get(45, TimeUnit.SECONDS);
        assertThat(done.getException()).isNull();
        assertThat(db.jdbc().queryForList("select message_id from telemetry", String.class))
                .containsExactly("m-outage");
    }

    @Test
    void aRecordPostgresRefusesIsDeadLetteredAloneAndTheRestOfItsBatchIsStored() throws Exception {
        // NUL cannot be stored in PostgreSQL text: retrying it would hold up its whole batch forever
        var refused = new TelemetryRecord(
                "m-nul", "pump-7", TS, TS, Map.of("flow", 1.0), Map.of("site", "plant\u00001"), TRACE);
        List<CompletableFuture<Exchange>> sent = new ArrayList<>();
        for (TelemetryRecord r : List.of(reading("m-a", "pump-7", 1.0), refused, reading("m-b", "pump-8", 2.0))) {
            sent.add(hub.template().asyncSend("direct:store-warm", e -> {
                e.getMessage().setBody(r);
                e.getMessage().setHeader("alerts", List.of());
            }));
        }
        for (CompletableFuture<Exchange> message : sent) {
            message.get(30, TimeUnit.SECONDS);
        }
        assertThat(db.jdbc().queryForList("select message_id from telemetry order by message_id", String.class))
                .containsExactly("m-a", "m-b");
        assertThat(hub.deadLetters().letters()).singleElement().satisfies(letter -> {
            assertThat(letter.routeId()).isEqualTo("store-warm");
            assertThat(letter.reason()).contains("PostgreSQL refused the record");
        });
    }

    private Exchange store(TelemetryRecord record, List<RaisedAlert> alerts) {
        return hub.template().send("direct:store-warm", e -> {
            e.getMessage().setBody(record);
            e.getMessage().setHeader("alerts", alerts);
        });
    }

    static TelemetryRecord reading(String messageId, String deviceId, double value) {
        Map<String, Double> metrics =
                deviceId.startsWith("engine") ? Map.of("temperature", value) : Map.of("flow", value);
        return new TelemetryRecord(
                messageId, deviceId, TS, TS.plusMillis(40), metrics, Map.of("site", "plant-1"), TRACE);
    }

    static RaisedAlert overheat(TelemetryRecord t) {
        return new RaisedAlert(
                "Engine overheat",
                "CRITICAL",
                t.deviceId(),
                t.messageId(),
                "temperature",
                t.metric("temperature"),
                90.0,
                "Engine " + t.deviceId() + " is running hot",
                t.ts(),
                t.traceId(),
                null);
    }
}
