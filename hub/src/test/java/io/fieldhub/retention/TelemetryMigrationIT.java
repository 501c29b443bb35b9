package io.fieldhub.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.routes.TestDatabase;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The V12 migration on a database a hub of the previous version filled: every reading stays, with its id, in the
 * partition of the day it was stored, and the resends it stored are still recognised.
 */
class TelemetryMigrationIT {

    static final String DATABASE = "fieldhub_migration";
    static final Instant DAY_1 = Instant.parse("2026-10-01T23:59:59.500Z");
    static final Instant DAY_2 = Instant.parse("2026-10-02T00:00:00Z");

    @RegisterExtension
    static final TestDatabase server = new TestDatabase();

    SingleConnectionDataSource dataSource;
    JdbcTemplate jdbc;

    @BeforeEach
    void previousVersionWithReadings() {
        server.jdbc().execute("drop database if exists " + DATABASE);
        server.jdbc().execute("create database " + DATABASE);
        String url = server.dataSource().getJdbcUrl().replaceFirst("/postgres$", "/" + DATABASE);
        dataSource = new SingleConnectionDataSource(
                url, server.dataSource().getUsername(), server.dataSource().getPassword(), true);
        jdbc = new JdbcTemplate(dataSource);
        migrate("11");
        for (var reading : List.of(
                new Stored("m-1", "pump-7", DAY_1),
                new Stored("m-2", "pump-7", DAY_2),
                new Stored("m-1", "pump-8", DAY_2))) {
            Timestamp at = Timestamp.from(reading.at());
            jdbc.update("""
                    insert into telemetry (message_id, device_id, ts, received_at, metrics, tags, trace_id, stored_at)
                    values (?, ?, ?, ?, '{"flow": 4.2}', '{"site": "plant-1"}', '4bf92f3577b34da6a3ce929d0e0e4736', ?)""", reading.messageId(), reading.deviceId(), at, at, at);
        }
        jdbc.update("update archive_watermark set last_id = 2 where stream = 'telemetry'");
    }

    @AfterEach
    void dropDatabase() {
        dataSource.destroy();
        server.jdbc().execute("drop database " + DATABASE);
    }

    @Test
    void everyReadingStaysWithItsIdInThePartitionOfItsDay() {
        migrate("latest");

        assertThat(jdbc.queryForList("""
                        select id || ' ' || device_id || ' ' || message_id || ' ' || tableoid::regclass || ' '
                               || metrics::text
                        from telemetry order by id""", String.class))
                .containsExactly(
                        "1 pump-7 m-1 telemetry_p20261001 {\"flow\": 4.2}",
                        "2 pump-7 m-2 telemetry_p20261002 {\"flow\": 4.2}",
                        "3 pump-8 m-1 telemetry_p20261002 {\"flow\": 4.2}");
        assertThat(jdbc.queryForObject("select stored_at from telemetry where id = 1", Timestamp.class)
                        .toInstant())
                .isEqualTo(DAY_1);
        assertThat(jdbc.queryForObject("select last_id from archive_watermark", Long.class))
                .isEqualTo(2);
    }

    @Test
    void newReadingsContinueTheIdsAndTodayAndTheNextDaysHavePartitions() {
        migrate("latest");

        long id = jdbc.queryForObject("""
                insert into telemetry (message_id, device_id, ts, received_at, metrics, tags, trace_id)
                values ('m-9', 'pump-7', now(), now(), '{}', '{}', 't') returning id""", Long.class);

        assertThat(id).isEqualTo(4);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(jdbc.queryForObject("select tableoid::regclass::text from telemetry where id = 4", String.class))
                .isEqualTo(partition(today));
        for (int ahead = 1; ahead <= 3; ahead++) {
            assertThat(jdbc.queryForObject(
                            "select to_regclass(?)::text", String.class, partition(today.plusDays(ahead))))
                    .isEqualTo(partition(today.plusDays(ahead)));
        }
    }

    @Test
    void theStoredMessagesKeepTheirDedupeKeys() {
        migrate("latest");

        assertThat(jdbc.queryForList(
                        "select device_id || ' ' || message_id from telemetry_key order by 1", String.class))
                .containsExactly("pump-7 m-1", "pump-7 m-2", "pump-8 m-1");
        assertThat(jdbc.update("""
                        insert into telemetry_key (device_id, message_id) values ('pump-7', 'm-2'), ('pump-9', 'm-2')
                        on conflict do nothing"""))
                .as("a resend of a message stored before the upgrade is recognised")
                .isEqualTo(1);
    }

    private void migrate(String target) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .target(target)
                .load()
                .migrate();
    }

    /** A reading as the previous version stored it. */
    private record Stored(String messageId, String deviceId, Instant at) {}

    private static String partition(LocalDate day) {
        return "telemetry_p" + day.format(DateTimeFormatter.BASIC_ISO_DATE);
    }
}
