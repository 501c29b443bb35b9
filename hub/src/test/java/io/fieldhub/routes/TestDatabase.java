package io.fieldhub.routes;

import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.embedded.EmbeddedPostgresServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.FileSystemUtils;

/**
 * A real PostgreSQL with the hub's schema (Flyway, classpath:db/migration), for tests of the stores and the alert
 * lifecycle: {@code @RegisterExtension static final TestDatabase db = new TestDatabase();}. One server serves every
 * test class of the JVM (starting one takes seconds): the first TestDatabase starts it, so a test's static fields can
 * use it, and it stops when the JVM ends. Each test starts from empty tables.
 */
public final class TestDatabase implements BeforeEachCallback {

    private static Server shared;

    private final Server server = shared();

    /**
     * Stopped by a shutdown hook, not by JUnit's root context: with two test JVMs (failsafe.forks) the runner starts
     * a JUnit run per test class, whose end would stop the server under the next class.
     */
    private static synchronized Server shared() {
        if (shared == null) {
            shared = new Server();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        clear();
    }

    public HikariDataSource dataSource() {
        return server.dataSource;
    }

    public JdbcTemplate jdbc() {
        return server.jdbc;
    }

    /** The alert lifecycle on this database, with the settings config/application.yaml ships. */
    public AlertLifecycle alertLifecycle(Clock clock, MeterRegistry meters) {
        return new AlertLifecycle(
                jdbc(),
                tx(),
                new AlertLifecycle.Settings(Duration.ofMinutes(1), Duration.ofMinutes(15), 3),
                clock,
                meters,
                () -> {});
    }

    public TransactionTemplate tx() {
        return server.tx;
    }

    /** Empties every table and resets the archive watermark, so each test starts from a fresh hub. */
    public void clear() {
        jdbc().execute(
                        "truncate telemetry, telemetry_key, notification_attempt, notification, alert_transition, alert, dead_letter,"
                                + " device_credential, device, enrollment_group, hub_user, rule_error restart identity");
        jdbc().update("update archive_watermark set last_id = 0, archived_xid = '0', archived_id = 0, claim_xid = null,"
                + " claim_id = null, covered_xid = null, covered_id = null");
    }

    public long count(String table) {
        return jdbc().queryForObject("select count(*) from " + table, Long.class);
    }

    /** Stops PostgreSQL, as an outage would; {@link #restartServer()} brings it back with the same data and port. */
    void stopServer() {
        server.postgres.close();
    }

    void restartServer() {
        server.restart();
    }

    /** The one server of the JVM. */
    private static final class Server {

        private final Path directory;
        private final int port;
        private EmbeddedPostgresServer postgres;
        private final HikariDataSource dataSource = new HikariDataSource();
        private final JdbcTemplate jdbc;
        private final TransactionTemplate tx;

        Server() {
            try {
                directory = Files.createTempDirectory("fieldhub-test-postgres-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            postgres = new EmbeddedPostgresServer(directory, 0);
            postgres.start();
            port = postgres.port();
            dataSource.setJdbcUrl(postgres.jdbcUrl());
            dataSource.setUsername(postgres.user());
            dataSource.setPassword(postgres.password());
            // Fail fast while PostgreSQL is down, so outage tests see the route's own retries, not a 30 s pool wait.
            dataSource.setConnectionTimeout(250);
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            jdbc = new JdbcTemplate(dataSource);
            tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        }

        void restart() {
            postgres = new EmbeddedPostgresServer(directory, port);
            postgres.start();
        }

        void close() {
            dataSource.close();
            postgres.close();
            // the postmaster removes its pid file last, after close() has returned
            await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(directory.resolve("postmaster.pid")));
            try {
                FileSystemUtils.deleteRecursively(directory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
