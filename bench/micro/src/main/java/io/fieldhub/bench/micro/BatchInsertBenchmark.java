package io.fieldhub.bench.micro;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.embedded.EmbeddedPostgresServer;
import io.fieldhub.store.WarmStore;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.flywaydb.core.Flyway;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.FileSystemUtils;

/**
 * The warm store's insert path: a real {@link WarmStore} writing batches of {@code batchSize} messages, one
 * transaction each, to embedded PostgreSQL (fsync on, as the hub runs it). Each batch is the one {@code unnest}
 * insert (the dedupe keys, then the readings) plus the alert lifecycle's per-batch statement (clearing the reporting devices' alerts; the readings raise
 * none). The primary score is batches/s; {@code insertBatch:rows} is rows/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BatchInsertBenchmark {

    @Param({"100", "500", "2000"})
    public int batchSize;

    private Path dataDir;
    private EmbeddedPostgresServer postgres;
    private HikariDataSource dataSource;
    private CamelContext camel;
    private WarmStore store;

    /** Rows per second. A counter, because {@code @OperationsPerInvocation} cannot follow a {@code @Param}. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rows {
        public long rows;

        @Setup(Level.Iteration)
        public void reset() {
            rows = 0;
        }
    }

    @Setup(Level.Trial)
    public void start() throws IOException {
        dataDir = Files.createTempDirectory("fieldhub-bench-postgres");
        postgres = new EmbeddedPostgresServer(dataDir, 0);
        postgres.start();
        Flyway.configure()
                .dataSource(postgres.jdbcUrl(), postgres.user(), postgres.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.jdbcUrl());
        dataSource.setUsername(postgres.user());
        dataSource.setPassword(postgres.password());
        var jdbc = new JdbcTemplate(dataSource);
        var tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        var meters = new SimpleMeterRegistry();
        var lifecycle = new AlertLifecycle(
                jdbc,
                tx,
                new AlertLifecycle.Settings(Duration.ofMinutes(1), Duration.ofMinutes(15), 3),
                Clock.systemUTC(),
                meters,
                () -> {});
        // The linger is long so that every batch is exactly batchSize messages: the benchmark sends that many.
        store = new WarmStore(jdbc, tx, new ObjectMapper(), lifecycle, batchSize, Duration.ofSeconds(10), meters);
        camel = new DefaultCamelContext();
        camel.start();
    }

    /** Every iteration starts from empty tables, so later iterations do not pay for bigger indexes. */
    @Setup(Level.Iteration)
    public void emptyTable() {
        new JdbcTemplate(dataSource).execute("truncate telemetry, telemetry_key");
    }

    @Benchmark
    public void insertBatch(Rows counter) throws InterruptedException {
        CountDownLatch committed = new CountDownLatch(batchSize);
        List<Exchange> exchanges = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setBody(reading(i));
            exchanges.add(exchange);
            store.process(exchange, doneSync -> committed.countDown());
        }
        committed.await();
        for (Exchange exchange : exchanges) {
            if (exchange.getException() != null) {
                throw new IllegalStateException("the warm store failed a batch", exchange.getException());
            }
        }
        counter.rows += batchSize;
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException, IOException {
        store.drainAndStop();
        camel.stop();
        dataSource.close();
        postgres.close();
        FileSystemUtils.deleteRecursively(dataDir);
    }

    /** A typical reading: a fresh message id (as ingest assigns), 3 metrics, one of 100 engines. */
    private static TelemetryRecord reading(int i) {
        Instant now = Instant.now();
        return new TelemetryRecord(
                UUID.randomUUID().toString(),
                "engine-" + (i % 100),
                now,
                now,
                Map.of("temperature", 72.5, "rpm", 1200.0, "oilPressure", 3.25),
                Map.of("type", "engine"),
                "4bf92f3577b34da6a3ce929d0e0e4736");
    }
}
