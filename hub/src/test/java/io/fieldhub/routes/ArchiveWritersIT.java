package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.fieldhub.archive.ArchiveLag;
import io.fieldhub.archive.ArchiveWriter;
import io.fieldhub.retention.TelemetryPartitions;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The cold archive with several writers on one real PostgreSQL and one S3 server
 * (docs/architecture.md#every-stored-reading-is-archived): each stored row is in the bucket exactly once, whatever
 * order the store's transactions commit in, however the writers interleave, and after a writer fails between its
 * upload and its watermark's commit.
 */
class ArchiveWritersIT {

    static final String BUCKET = "fieldhub";
    static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().build();

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @RegisterExtension
    static final TestS3 s3 = new TestS3(BUCKET);

    final List<HikariDataSource> pools = new ArrayList<>();

    @AfterEach
    void closePools() {
        pools.forEach(HikariDataSource::close);
    }

    @Test
    void aRowCommittedAfterALaterIdIsArchivedOnceItCommits() throws Exception {
        ArchiveWriter writer = writer("hub-1", s3.client(), 100);
        var lag = new ArchiveLag(db.jdbc());
        try (Connection a = db.dataSource().getConnection()) {
            a.setAutoCommit(false);
            insert(a, "m-a");
            insert(db.jdbc(), "m-b");

            writer.flushAll();
            assertThat(lag.seconds())
                    .as("m-b waits, and the lag metric shows it")
                    .isGreaterThan(0);
            a.commit();
        }
        assertThat(ids("select id from telemetry order by id")).containsExactly(1L, 2L);

        writer.flushAll();

        assertThat(archived())
                .containsOnlyKeys("engine-1/m-a", "engine-1/m-b")
                .allSatisfy((row, copies) -> assertThat(copies).as(row).isEqualTo(1));
        assertThat(lastId()).as("the watermark covers both rows").isEqualTo(2);
        assertThat(lag.seconds()).isZero();
    }

    @Test
    void twoWritersFlushingWhileTransactionsCommitInAnyOrderArchiveEachRowOnce() throws Exception {
        ArchiveWriter one = writer("hub-1", s3.client(), 25);
        ArchiveWriter two = writer("hub-2", s3.client(), 25);
        ExecutorService threads = Executors.newFixedThreadPool(6);
        var storing = new AtomicBoolean(true);
        List<String> stored = new ArrayList<>(List.of("engine-1/m-first"));
        insert(db.jdbc(), "m-first");
        one.flushAll();
        two.flushAll();
        try {
            List<Future<List<String>>> inserters = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                inserters.add(threads.submit(() -> insertInTransactions(thread, 150)));
            }
            List<Future<Integer>> flushers = List.of(
                    threads.submit(() -> flushWhile(storing, one)), threads.submit(() -> flushWhile(storing, two)));
            for (Future<List<String>> inserter : inserters) {
                stored.addAll(inserter.get(120, TimeUnit.SECONDS));
            }
            storing.set(false);
            for (Future<Integer> flusher : flushers) {
                flusher.get(120, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        one.flushAll();
        two.flushAll();

        Map<String, Integer> archived = archived();
        assertThat(archived.keySet()).containsExactlyInAnyOrderElementsOf(stored);
        assertThat(archived)
                .allSatisfy((row, copies) -> assertThat(copies).as(row).isEqualTo(1));
        long highest = ids("select max(id) from telemetry").get(0);
        await("the watermark covers every row, a check or two later")
                .atMost(Duration.ofSeconds(30))
                .until(() -> {
                    one.flushDue();
                    return lastId() == highest;
                });
    }

    @Test
    void theArchiveWaitsWhilePartitionMaintenanceMovesRows() throws Exception {
        ArchiveWriter writer = writer("hub-1", s3.client(), 100);
        insert(db.jdbc(), "m-moved");
        CompletableFuture<Integer> flush;
        try (Connection maintenance = db.dataSource().getConnection()) {
            // what TelemetryPartitions holds while a row moves into its new day partition
            maintenance.setAutoCommit(false);
            try (var lock = maintenance.prepareStatement("select pg_advisory_xact_lock(?)")) {
                lock.setLong(1, TelemetryPartitions.LOCK);
                lock.execute();
            }
            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(writer::flushAll);
            flush = waiting;
            // no chunk is read while rows may be between partitions
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isDone());
            maintenance.commit();
        }
        assertThat(flush.get(30, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(archived()).containsOnlyKeys("engine-1/m-moved");
    }

    @Test
    void aWriterThatFailsAfterItsUploadLeavesItsChunkToAnotherWithoutASecondCopy() throws Exception {
        var uploaded = new AtomicBoolean();
        ArchiveWriter failing = writer("hub-1", failingAfterUpload(s3.client(), uploaded), 3);
        ArchiveWriter other = writer("hub-2", s3.client(), 3);
        for (int i = 1; i <= 4; i++) {
            insert(db.jdbc(), "m-" + i);
        }

        assertThatThrownBy(failing::flushAll).hasMessageContaining("after the upload");
        assertThat(uploaded).as("the chunk reached S3").isTrue();
        assertThat(s3.keys()).hasSize(1);
        assertThat(lastId()).as("the watermark did not move").isZero();
        insert(db.jdbc(), "m-5");

        assertThat(other.flushAll()).isEqualTo(5);

        assertThat(archived())
                .containsOnlyKeys("engine-1/m-1", "engine-1/m-2", "engine-1/m-3", "engine-1/m-4", "engine-1/m-5")
                .allSatisfy((row, copies) -> assertThat(copies).as(row).isEqualTo(1));
        assertThat(s3.keys()).hasSize(2);
        assertThat(lastId()).isEqualTo(5);
    }

    /** A writer as the hub makes one, with its own connection pool: another hub on the same database. */
    private ArchiveWriter writer(String instance, S3Client client, int maxRecords) {
        var pool = new HikariDataSource();
        pool.setJdbcUrl(db.dataSource().getJdbcUrl());
        pool.setUsername(db.dataSource().getUsername());
        pool.setPassword(db.dataSource().getPassword());
        pool.setMaximumPoolSize(2);
        pools.add(pool);
        return new ArchiveWriter(
                new JdbcTemplate(pool),
                new TransactionTemplate(new DataSourceTransactionManager(pool)),
                client,
                JSON,
                new ArchiveWriter.Settings(BUCKET, instance, maxRecords, Duration.ZERO),
                Clock.systemUTC());
    }

    /**
     * Transactions of one to three readings; every other one stays open a few milliseconds after its inserts, as a
     * store batch does while it applies alerts, so later ids of other threads commit before it.
     */
    private List<String> insertInTransactions(int thread, int transactions) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = db.dataSource().getConnection();
                PreparedStatement work = connection.prepareStatement("select pg_sleep(0.005)")) {
            connection.setAutoCommit(false);
            for (int t = 0; t < transactions; t++) {
                for (int r = 0; r <= t % 3; r++) {
                    String message = "m-%d-%d-%d".formatted(thread, t, r);
                    insert(connection, message);
                    rows.add("engine-1/" + message);
                }
                if ((t + thread) % 2 == 0) {
                    work.execute();
                }
                connection.commit();
            }
        }
        return rows;
    }

    private static int flushWhile(AtomicBoolean storing, ArchiveWriter writer) {
        int archived = 0;
        while (storing.get()) {
            archived += writer.flushDue();
        }
        return archived;
    }

    /** S3 that takes each upload, then fails as a hub would that died before its watermark's commit. */
    private static S3Client failingAfterUpload(S3Client s3, AtomicBoolean uploaded) {
        return (S3Client) Proxy.newProxyInstance(
                S3Client.class.getClassLoader(), new Class<?>[] {S3Client.class}, (proxy, method, args) -> {
                    Object result;
                    try {
                        result = method.invoke(s3, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (method.getName().equals("putObject")) {
                        uploaded.set(true);
                        throw new IllegalStateException("the hub died after the upload");
                    }
                    return result;
                });
    }

    private static void insert(Connection connection, String messageId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, messageId);
            insert.executeUpdate();
        }
    }

    private static void insert(JdbcTemplate jdbc, String messageId) {
        jdbc.update(INSERT, messageId);
    }

    private static final String INSERT = """
            insert into telemetry (message_id, device_id, ts, received_at, metrics, tags, trace_id)
            values (?, 'engine-1', '2026-11-26T10:15:00Z', now(), '{"temperature": 80.5}', '{}', '4bf92f3577b34da6a3ce929d0e0e4736')""";

    private static List<Long> ids(String sql) {
        return db.jdbc().queryForList(sql, Long.class);
    }

    private static long lastId() {
        return db.jdbc().queryForObject("select last_id from archive_watermark where stream = 'telemetry'", Long.class);
    }

    /** How many times each (device id, message id) appears over the lines of every object in the bucket. */
    private static Map<String, Integer> archived() throws IOException {
        Map<String, Integer> copies = new HashMap<>();
        for (String key : s3.keys()) {
            try (var lines = new BufferedReader(new InputStreamReader(
                    new GZIPInputStream(new ByteArrayInputStream(s3.object(key))), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    JsonNode row = JSON.readTree(line);
                    copies.merge(
                            row.path("deviceId").asText() + "/"
                                    + row.path("messageId").asText(),
                            1,
                            Integer::sum);
                }
            }
        }
        return copies;
    }
}
