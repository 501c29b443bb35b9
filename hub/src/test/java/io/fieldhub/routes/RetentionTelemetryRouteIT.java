package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fieldhub.archive.ArchiveWriter;
import io.fieldhub.retention.ArchiveSweep;
import io.fieldhub.retention.TelemetryPartitions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * routes/retention-telemetry.camel.yaml against a real PostgreSQL and S3: telemetry's day partitions are made ahead,
 * rows that waited for one move into it without an insert failing meanwhile, a partition past the retention is dropped
 * only once the archive holds every row of it, and archive date folders past their retention are deleted.
 */
class RetentionTelemetryRouteIT {

    static final String BUCKET = "fieldhub";
    static final Duration KEEP = Duration.ofDays(30);
    static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().build();
    static final Instant SWEEP_NOW = Instant.parse("2026-12-07T15:00:00Z");

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @RegisterExtension
    static final TestS3 s3 = new TestS3(BUCKET);

    static final SettableClock archiveClock = new SettableClock();
    static TelemetryPartitions partitions;
    static RouteHarness hub;

    @BeforeAll
    static void start() throws Exception {
        partitions = new TelemetryPartitions(db.jdbc(), db.tx(), Clock.systemUTC(), KEEP, 3);
        hub = new RouteHarness()
                .bind("telemetryPartitions", partitions)
                .bind("archiveSweep", new ArchiveSweep(s3.client(), BUCKET, new SettableClock(SWEEP_NOW), KEEP))
                .routes("retention-telemetry.camel.yaml")
                .advise("retention-telemetry", a -> a.replaceFromWith("direct:retention-telemetry"))
                .advise("retention-archive", a -> a.replaceFromWith("direct:retention-archive"))
                .start();
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    /** Other tests' day partitions go: only those around today, which every test of the JVM writes to, stay. */
    @BeforeEach
    void onlyTheCurrentPartitions() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (String name : partitionNames()) {
            LocalDate day = LocalDate.parse(name.substring("telemetry_p".length()), DateTimeFormatter.BASIC_ISO_DATE);
            if (day.isBefore(today.minusDays(1)) || day.isAfter(today.plusDays(3))) {
                db.jdbc().execute("drop table " + name);
            }
        }
    }

    @Test
    void partitionsAreMadeAheadAndARowWithoutOneMovesIntoItsDay() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Instant farAhead = today.plusDays(10).atTime(12, 0).toInstant(ZoneOffset.UTC);
        insert("m-ahead", farAhead);
        assertThat(partitionOf("m-ahead")).as("no partition for its day yet").isEqualTo("telemetry_default");

        trigger("retention-telemetry");

        assertThat(partitionNames())
                .contains(name(today), name(today.plusDays(1)), name(today.plusDays(2)), name(today.plusDays(3)));
        assertThat(partitionOf("m-ahead")).isEqualTo(name(today.plusDays(10)));
        assertThat(db.count("telemetry_default")).isZero();
    }

    @Test
    void insertsKeepSucceedWhileTheirDayGetsItsPartition() throws Exception {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int ago = 20; ago < 25; ago++) {
            Instant day = today.minusDays(ago).atTime(12, 0).toInstant(ZoneOffset.UTC);
            insert("first-" + ago, day);
            var stop = new AtomicBoolean();
            int first = ago;
            CompletableFuture<Integer> inserter = CompletableFuture.supplyAsync(() -> {
                int n = 0;
                while (!stop.get()) {
                    insert("more-" + first + "-" + n++, day);
                }
                return n;
            });
            await().until(() -> db.count("telemetry_default") > 20);

            trigger("retention-telemetry");
            stop.set(true);

            int inserted = inserter.get(30, TimeUnit.SECONDS);
            assertThat(db.jdbc()
                            .queryForObject(
                                    "select count(*) from " + name(LocalDate.ofInstant(day, ZoneOffset.UTC)),
                                    Long.class))
                    .as("every row of the day, in its partition")
                    .isEqualTo(inserted + 1);
            assertThat(db.count("telemetry_default")).isZero();
        }
    }

    @Test
    void retentionRemovesOnlyArchivedRows() throws IOException {
        Instant now = Instant.now();
        Instant fortyDaysAgo = now.minus(Duration.ofDays(40));
        Instant thirtyFiveDaysAgo = now.minus(Duration.ofDays(35));
        insert("a-1", fortyDaysAgo);
        insert("a-2", fortyDaysAgo.plusSeconds(1));
        insert("b-1", thirtyFiveDaysAgo);
        insert("c-1", now.minus(Duration.ofHours(1)));
        LocalDate dayA = LocalDate.ofInstant(fortyDaysAgo, ZoneOffset.UTC);
        LocalDate dayB = LocalDate.ofInstant(thirtyFiveDaysAgo, ZoneOffset.UTC);

        trigger("retention-telemetry");
        assertThat(partitionNames())
                .as("made for the rows that waited in the default partition")
                .contains(name(dayA), name(dayB));
        assertThat(storedIds()).as("nothing is archived yet").containsExactly("a-1", "a-2", "b-1", "c-1");

        // the archive writes the two oldest rows (an object holds at most two here)
        archiveClock.set(now.plus(Duration.ofDays(1)));
        var writer = new ArchiveWriter(
                db.jdbc(),
                db.tx(),
                s3.client(),
                JSON,
                new ArchiveWriter.Settings(BUCKET, "hub-1", 2, Duration.ZERO),
                archiveClock);
        assertThat(writer.flushDue()).isEqualTo(2);
        trigger("retention-telemetry");
        assertThat(storedIds()).containsExactly("b-1", "c-1");
        assertThat(partitionNames()).doesNotContain(name(dayA)).contains(name(dayB));
        assertThat(archivedIds()).containsExactlyInAnyOrder("a-1", "a-2");

        writer.flushAll();
        trigger("retention-telemetry");
        assertThat(storedIds()).as("within the retention").containsExactly("c-1");
        assertThat(partitionNames()).doesNotContain(name(dayB));
        assertThat(archivedIds()).containsExactlyInAnyOrder("a-1", "a-2", "b-1", "c-1");
    }

    @Test
    void aPartitionStaysWhileTheArchiveHasNotPassedItsRowsWhateverLastIdSays() {
        Instant old = Instant.now().minus(Duration.ofDays(50));
        insert("d-1", old);
        trigger("retention-telemetry");
        assertThat(partitionNames()).contains(name(LocalDate.ofInstant(old, ZoneOffset.UTC)));
        // last_id claims every row archived, as it once did wrongly in a CI run; the archive's position says not
        db.jdbc().update("update archive_watermark set last_id = last_id + 1000000000 where stream = 'telemetry'");
        try {
            trigger("retention-telemetry");

            assertThat(storedIds()).as("a row the archive has not passed stays").contains("d-1");
        } finally {
            db.jdbc().update("update archive_watermark set last_id = last_id - 1000000000 where stream = 'telemetry'");
        }
    }

    @Test
    void archiveDateFoldersPastTheirRetentionAreDeleted() {
        // SWEEP_NOW is 2026-12-07, so a 30-day retention keeps 2026-11-07 onwards
        List<String> keys = List.of(
                "telemetry/date=2026-10-28/hour=10/hub-1-000000000001.jsonl.gz",
                "telemetry/date=2026-11-06/hour=23/hub-1-000000000002.jsonl.gz",
                "telemetry/date=2026-11-06/hour=23/hub-2-000000000003.jsonl.gz",
                "telemetry/date=2026-11-07/hour=00/hub-1-000000000004.jsonl.gz",
                "telemetry/date=2026-12-07/hour=14/hub-1-000000000005.jsonl.gz",
                "exports/2026-01-01.csv");
        keys.forEach(key -> s3.client().putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("x")));

        trigger("retention-archive");

        assertThat(s3.keys())
                .containsExactly(
                        "exports/2026-01-01.csv",
                        "telemetry/date=2026-11-07/hour=00/hub-1-000000000004.jsonl.gz",
                        "telemetry/date=2026-12-07/hour=14/hub-1-000000000005.jsonl.gz");
    }

    private static void trigger(String routeId) {
        Exchange done = hub.template().send("direct:" + routeId, e -> {});
        assertThat(done.getException()).isNull();
    }

    /** A stored row as the warm store writes it, stored at {@code storedAt}. */
    private static void insert(String messageId, Instant storedAt) {
        db.jdbc().update("""
                insert into telemetry (message_id, device_id, ts, received_at, metrics, tags, trace_id, stored_at)
                values (?, 'pump-7', ?, ?, '{"flow": 4.2}', '{}', '4bf92f3577b34da6a3ce929d0e0e4736', ?)""", messageId, Timestamp.from(storedAt), Timestamp.from(storedAt), Timestamp.from(storedAt));
    }

    private static List<String> storedIds() {
        return db.jdbc().queryForList("select message_id from telemetry order by id", String.class);
    }

    private static String partitionOf(String messageId) {
        return db.jdbc()
                .queryForObject(
                        "select tableoid::regclass::text from telemetry where message_id = ?", String.class, messageId);
    }

    private static List<String> partitionNames() {
        return db.jdbc().queryForList("""
                select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
                where i.inhparent = 'telemetry'::regclass and c.relname <> 'telemetry_default'""", String.class);
    }

    private static String name(LocalDate day) {
        return "telemetry_p" + day.format(DateTimeFormatter.BASIC_ISO_DATE);
    }

    /** The message ids of every line of every archive object. */
    private static List<String> archivedIds() throws IOException {
        List<String> ids = new ArrayList<>();
        for (String key : s3.keys()) {
            try (var in = new GZIPInputStream(new ByteArrayInputStream(s3.object(key)))) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    ids.add(JSON.readTree(line).get("messageId").asText());
                }
            }
        }
        return ids;
    }
}
