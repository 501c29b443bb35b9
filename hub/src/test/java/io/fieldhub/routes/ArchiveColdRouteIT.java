package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fieldhub.archive.ArchiveWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * routes/archive-cold.camel.yaml against a real PostgreSQL and S3 server: stored rows become gzip JSON Lines objects
 * under telemetry/date=YYYY-MM-DD/hour=HH/, each row once, and an S3 outage delays the archive without losing rows.
 */
class ArchiveColdRouteIT {

    static final String BUCKET = "fieldhub";
    static final String KEY = "telemetry/date=\\d{4}-\\d{2}-\\d{2}/hour=\\d{2}/\\d{12}\\.jsonl\\.gz";
    static final Duration MAX_AGE = Duration.ofSeconds(10);
    static final Instant TEN_O_CLOCK = Instant.parse("2026-11-26T10:15:00.250Z");
    static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().build();

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @RegisterExtension
    static final TestS3 s3 = new TestS3(BUCKET);

    static final SettableClock clock = new SettableClock();
    static RouteHarness hub;

    @BeforeAll
    static void start() throws Exception {
        // hub.archive.max-records and max-age as config/application.yaml ships them
        var writer = new ArchiveWriter(
                db.jdbc(),
                db.tx(),
                s3.client(),
                JSON,
                new ArchiveWriter.Settings(BUCKET, "hub-1", 10_000, MAX_AGE),
                clock);
        hub = new RouteHarness()
                .bind("archiveWriter", writer)
                .routes("archive-cold.camel.yaml")
                .advise("archive-cold", a -> a.replaceFromWith("direct:archive-cold"))
                .start();
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @BeforeEach
    void tenOClock() {
        clock.set(TEN_O_CLOCK);
    }

    @Test
    void rowsOlderThanMaxAgeBecomeOneGzipJsonLinesObject() throws Exception {
        List<JsonNode> rows = List.of(
                insert("m-1", "engine-7", TEN_O_CLOCK, "{\"temperature\": 95.5}"),
                insert("m-2", "engine-7", TEN_O_CLOCK.plusSeconds(1), "{\"temperature\": 71.0}"),
                insert("m-3", "pump-2", TEN_O_CLOCK.plusSeconds(2), "{\"flow\": 4.2}"));
        clock.set(TEN_O_CLOCK.plus(MAX_AGE).plusSeconds(3));

        trigger();

        assertThat(s3.keys()).singleElement().satisfies(key -> {
            assertThat(key).matches(KEY).isEqualTo("telemetry/date=2026-11-26/hour=10/000000000001.jsonl.gz");
            assertThat(lines(key)).isEqualTo(rows);
        });
    }

    @Test
    void rowsYoungerThanMaxAgeWaitForTheNextCheck() throws Exception {
        insert("m-1", "engine-7", TEN_O_CLOCK, "{\"temperature\": 95.5}");
        clock.set(receivedAt(TEN_O_CLOCK).plus(MAX_AGE).minusMillis(1));

        trigger();
        assertThat(s3.keys()).isEmpty();

        clock.set(receivedAt(TEN_O_CLOCK).plus(MAX_AGE));
        trigger();
        assertThat(s3.keys()).hasSize(1);
    }

    @Test
    void checkingAgainArchivesNothingTwice() throws Exception {
        insert("m-1", "engine-7", TEN_O_CLOCK, "{\"temperature\": 95.5}");
        clock.set(receivedAt(TEN_O_CLOCK).plus(MAX_AGE));
        trigger();

        trigger();
        trigger();

        assertThat(s3.keys()).hasSize(1);
        JsonNode later = insert("m-2", "engine-7", TEN_O_CLOCK.plusSeconds(30), "{\"temperature\": 80.0}");
        clock.set(receivedAt(TEN_O_CLOCK.plusSeconds(30)).plus(MAX_AGE));
        trigger();
        assertThat(s3.keys()).hasSize(2).contains("telemetry/date=2026-11-26/hour=10/000000000002.jsonl.gz");
        assertThat(lines("telemetry/date=2026-11-26/hour=10/000000000002.jsonl.gz"))
                .containsExactly(later);
    }

    @Test
    void rowsFromTwoHoursGoToTwoPartitions() throws Exception {
        JsonNode ten = insert("m-1", "engine-7", TEN_O_CLOCK, "{\"temperature\": 95.5}");
        JsonNode eleven = insert("m-2", "engine-7", TEN_O_CLOCK.plus(Duration.ofHours(1)), "{\"temperature\": 71.0}");
        JsonNode tenAgain = insert("m-3", "engine-8", TEN_O_CLOCK.plusSeconds(60), "{\"temperature\": 72.0}");
        clock.set(TEN_O_CLOCK.plus(Duration.ofHours(2)));

        trigger();

        assertThat(s3.keys())
                .containsExactly(
                        "telemetry/date=2026-11-26/hour=10/000000000001.jsonl.gz",
                        "telemetry/date=2026-11-26/hour=11/000000000002.jsonl.gz");
        assertThat(lines("telemetry/date=2026-11-26/hour=10/000000000001.jsonl.gz"))
                .containsExactly(ten, tenAgain);
        assertThat(lines("telemetry/date=2026-11-26/hour=11/000000000002.jsonl.gz"))
                .containsExactly(eleven);
    }

    @Test
    void s3OutageHoldsTheRowsBackUntilS3IsReachableAgain() throws Exception {
        List<JsonNode> rows = List.of(
                insert("m-1", "engine-7", TEN_O_CLOCK, "{\"temperature\": 95.5}"),
                insert("m-2", "engine-7", TEN_O_CLOCK.plusSeconds(1), "{\"temperature\": 71.0}"));
        clock.set(TEN_O_CLOCK.plus(MAX_AGE).plusSeconds(1));
        s3.stop();
        CompletableFuture<Exchange> check;
        try {
            check = hub.template().asyncSend("direct:archive-cold", e -> {});
            await("the check keeps retrying and the watermark stays put while S3 is down")
                    .during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> !check.isDone() && watermark() == 0);
        } finally {
            s3.start();
        }

        assertThat(check.get(60, TimeUnit.SECONDS).getException()).isNull();
        assertThat(watermark()).isEqualTo(2);
        assertThat(s3.keys())
                .singleElement()
                .satisfies(key -> assertThat(lines(key)).isEqualTo(rows));
        trigger();
        assertThat(s3.keys()).hasSize(1);
    }

    /** One timer tick; the route is synchronous, so the objects are written when this returns. */
    private void trigger() {
        Exchange done = hub.template().send("direct:archive-cold", e -> {});
        assertThat(done.getException()).isNull();
    }

    /** Inserts a stored row as the warm store would, and returns the JSON line the archive must hold for it. */
    private JsonNode insert(String messageId, String deviceId, Instant ts, String metrics) throws IOException {
        Instant receivedAt = receivedAt(ts);
        String trace = "4bf92f3577b34da6a3ce929d0e0e473" + messageId.charAt(messageId.length() - 1);
        db.jdbc().update("""
                insert into telemetry (message_id, device_id, ts, received_at, metrics, tags, trace_id)
                values (?, ?, ?, ?, ?::jsonb, '{"site": "plant-1"}'::jsonb, ?)""", messageId, deviceId, Timestamp.from(ts), Timestamp.from(receivedAt), metrics, trace);
        return JSON.readTree("""
                {"messageId": "%s", "deviceId": "%s", "ts": "%s", "receivedAt": "%s", "metrics": %s,
                 "tags": {"site": "plant-1"}, "traceId": "%s"}""".formatted(messageId, deviceId, ts, receivedAt, metrics, trace));
    }

    /** When the hub received a reading the device stamped {@code ts}. */
    private static Instant receivedAt(Instant ts) {
        return ts.plusMillis(40);
    }

    private static long watermark() {
        return db.jdbc().queryForObject("select last_id from archive_watermark where stream = 'telemetry'", Long.class);
    }

    private static List<JsonNode> lines(String key) throws IOException {
        byte[] gzip = s3.object(key);
        String text;
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(text).endsWith("\n");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text.split("\n")) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }
}
