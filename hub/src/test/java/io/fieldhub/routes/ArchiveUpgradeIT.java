package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.fieldhub.archive.ArchiveWriter;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The V13 migration on a database the previous version archived up to a row id: the readings it had archived are not
 * archived again, and every other one, stored before or after the upgrade, is archived once.
 */
class ArchiveUpgradeIT {

    static final String DATABASE = "fieldhub_archive_upgrade";
    static final String BUCKET = "fieldhub";
    static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules().build();

    @RegisterExtension
    static final TestDatabase server = new TestDatabase();

    @RegisterExtension
    static final TestS3 s3 = new TestS3(BUCKET);

    HikariDataSource dataSource;
    JdbcTemplate jdbc;

    @BeforeEach
    void previousVersionArchivedUpToRowOne() {
        server.jdbc().execute("drop database if exists " + DATABASE);
        server.jdbc().execute("create database " + DATABASE);
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(server.dataSource().getJdbcUrl().replaceFirst("/postgres$", "/" + DATABASE));
        dataSource.setUsername(server.dataSource().getUsername());
        dataSource.setPassword(server.dataSource().getPassword());
        jdbc = new JdbcTemplate(dataSource);
        migrate("12");
        List.of("m-1", "m-2", "m-3").forEach(this::store);
        jdbc.update("update archive_watermark set last_id = 1 where stream = 'telemetry'");
    }

    @AfterEach
    void dropDatabase() {
        dataSource.close();
        server.jdbc().execute("drop database " + DATABASE);
    }

    @Test
    void readingsAfterTheOldWatermarkAndNewOnesAreArchivedOnce() throws IOException {
        migrate("latest");
        store("m-4");

        var writer = new ArchiveWriter(
                jdbc,
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                s3.client(),
                JSON,
                new ArchiveWriter.Settings(BUCKET, "hub-1", 10_000, Duration.ofSeconds(10)),
                Clock.systemUTC());

        assertThat(writer.flushAll()).isEqualTo(3);
        assertThat(archivedMessageIds()).containsExactly("m-2", "m-3", "m-4");
        assertThat(jdbc.queryForObject("select last_id from archive_watermark", Long.class))
                .isEqualTo(4);
    }

    private void store(String messageId) {
        jdbc.update("""
                insert into telemetry (message_id, device_id, ts, received_at, metrics, tags, trace_id)
                values (?, 'pump-7', '2026-11-26T10:15:00Z', now(), '{"flow": 4.2}', '{}', 't')""", messageId);
    }

    private void migrate(String target) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .target(target)
                .load()
                .migrate();
    }

    private static List<String> archivedMessageIds() throws IOException {
        List<String> ids = new ArrayList<>();
        for (String key : s3.keys()) {
            try (var lines = new BufferedReader(new InputStreamReader(
                    new GZIPInputStream(new ByteArrayInputStream(s3.object(key))), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    ids.add(JSON.readTree(line).path("messageId").asText());
                }
            }
        }
        return ids;
    }
}
