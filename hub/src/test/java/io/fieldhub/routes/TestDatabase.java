package io.fieldhub.routes;

import com.zaxxer.hikari.HikariDataSource;
import io.fieldhub.embedded.EmbeddedPostgresServer;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A real PostgreSQL with the hub's schema (Flyway, classpath:db/migration), for tests of the stores and the alert
 * lifecycle.
 */
public final class TestDatabase implements AutoCloseable {

    private final Path directory;
    private final int port;
    private EmbeddedPostgresServer server;
    private final HikariDataSource dataSource = new HikariDataSource();
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public TestDatabase(Path directory) {
        this.directory = directory;
        server = new EmbeddedPostgresServer(directory, 0);
        server.start();
        port = server.port();
        dataSource.setJdbcUrl(server.jdbcUrl());
        dataSource.setUsername(server.user());
        dataSource.setPassword(server.password());
        // Fail fast while PostgreSQL is down, so outage tests see the route's own retries, not a 30 s pool wait.
        dataSource.setConnectionTimeout(250);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    public HikariDataSource dataSource() {
        return dataSource;
    }

    public JdbcTemplate jdbc() {
        return jdbc;
    }

    public TransactionTemplate tx() {
        return tx;
    }

    /** Empties every table and resets the archive watermark, so each test starts from a fresh hub. */
    public void clear() {
        jdbc.execute("truncate telemetry, notification_attempt, notification, alert_transition, alert, dead_letter"
                + " restart identity");
        jdbc.update("update archive_watermark set last_id = 0");
    }

    public long count(String table) {
        return jdbc.queryForObject("select count(*) from " + table, Long.class);
    }

    /** Stops PostgreSQL, as an outage would; {@link #restartServer()} brings it back with the same data and port. */
    void stopServer() {
        server.close();
    }

    void restartServer() {
        server = new EmbeddedPostgresServer(directory, port);
        server.start();
    }

    @Override
    public void close() {
        dataSource.close();
        server.close();
    }
}
