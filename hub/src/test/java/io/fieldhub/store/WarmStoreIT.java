package io.fieldhub.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.routes.TestDatabase;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One warm-store batch against a real PostgreSQL: what its single statement stores, in which order, and which
 * messages it reports as fresh, when the batch repeats a key and carries a key stored before.
 */
class WarmStoreIT {

    static final Instant TS = Instant.parse("2026-12-08T10:00:00.123456789Z");
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    /** Every character COPY or an array literal would have to escape, and one outside the BMP. */
    static final String ODD = "m\t\\n\n\"1\",{}\r\uD83D\uDE80";

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static DefaultCamelContext camel;

    @BeforeAll
    static void start() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterAll
    static void stop() {
        if (camel != null) {
            camel.stop();
        }
    }

    @Test
    void aBatchStoresTheFirstCopyOfEachNewKeyInBatchOrderAndReportsOnlyThose() throws Exception {
        db.jdbc().update("insert into telemetry_key (device_id, message_id) values ('pump-9', 'm-old')");

        List<TelemetryRecord> fresh = storeAsOneBatch(
                reading("m-2", "pump-7", 1.0),
                reading(ODD, "pump-8", 2.0),
                reading("m-2", "pump-7", 3.0),
                reading("m-old", "pump-9", 4.0),
                reading("m-1", "pump-7", 5.0));

        assertThat(fresh)
                .as("reported to the alert lifecycle and last-seen, in batch order")
                .extracting(r -> r.deviceId() + " " + r.messageId() + " " + r.metric("flow"))
                .containsExactly("pump-7 m-2 1.0", "pump-8 " + ODD + " 2.0", "pump-7 m-1 5.0");
        assertThat(db.jdbc()
                        .queryForList(
                                "select device_id || ' ' || message_id || ' ' || (metrics->>'flow')"
                                        + " from telemetry order by id",
                                String.class))
                .as("stored in batch order, so a device's readings keep their order")
                .containsExactly("pump-7 m-2 1.0", "pump-8 " + ODD + " 2.0", "pump-7 m-1 5.0");
        assertThat(db.count("telemetry_key")).isEqualTo(4);
    }

    @Test
    void valuesRoundTripExactlyToTheMicrosecond() throws Exception {
        storeAsOneBatch(reading(ODD, ODD, 7.25));

        Map<String, Object> row = db.jdbc()
                .queryForMap("select message_id, device_id, ts, received_at, metrics::text, tags->>'site' site,"
                        + " trace_id from telemetry");
        assertThat(row)
                .containsEntry("message_id", ODD)
                .containsEntry("device_id", ODD)
                .containsEntry("metrics", "{\"flow\": 7.25}")
                .containsEntry("site", ODD)
                .containsEntry("trace_id", TRACE);
        assertThat(((Timestamp) row.get("ts")).toInstant())
                .as("PostgreSQL keeps microseconds: the nanoseconds are cut, not rounded")
                .isEqualTo(Instant.parse("2026-12-08T10:00:00.123456Z"));
        assertThat(((Timestamp) row.get("received_at")).toInstant())
                .isEqualTo(Instant.parse("2026-12-08T10:00:00.163456Z"));
    }

    /** Sends the readings to a warm store as exactly one batch, waits for its commit, and returns what was fresh. */
    private static List<TelemetryRecord> storeAsOneBatch(TelemetryRecord... readings) throws Exception {
        var meters = new SimpleMeterRegistry();
        var store = new WarmStore(
                db.jdbc(),
                db.tx(),
                new ObjectMapper(),
                db.alertLifecycle(Clock.systemUTC(), meters),
                readings.length,
                Duration.ofSeconds(10),
                meters);
        List<TelemetryRecord> fresh = new CopyOnWriteArrayList<>();
        store.onStored(fresh::addAll);
        try {
            CountDownLatch committed = new CountDownLatch(readings.length);
            List<Exchange> exchanges = new ArrayList<>();
            for (TelemetryRecord r : readings) {
                Exchange exchange = new DefaultExchange(camel);
                exchange.getMessage().setBody(r);
                exchanges.add(exchange);
                store.process(exchange, doneSync -> committed.countDown());
            }
            assertThat(committed.await(30, TimeUnit.SECONDS))
                    .as("the batch committed")
                    .isTrue();
            assertThat(exchanges)
                    .as("every message is acknowledged, replays too")
                    .allSatisfy(e -> assertThat(e.getException()).isNull());
        } finally {
            store.drainAndStop();
        }
        return fresh;
    }

    private static TelemetryRecord reading(String messageId, String deviceId, double flow) {
        return new TelemetryRecord(
                messageId, deviceId, TS, TS.plusMillis(40), Map.of("flow", flow), Map.of("site", ODD), TRACE);
    }
}
