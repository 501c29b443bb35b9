package io.fieldhub.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.util.TestSocketUtils;

/** The embedded PostgreSQL under a {@link Supervisor}: killed, it comes back on its port with its data. */
class SupervisedPostgresIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path tempDir;

    private EmbeddedPostgresServer postgres;
    private Supervisor supervisor;

    @BeforeEach
    void start() throws SQLException {
        postgres = new EmbeddedPostgresServer(tempDir.resolve("postgres"), TestSocketUtils.findAvailableTcpPort());
        postgres.start();
        supervisor = new Supervisor("PostgreSQL", postgres);
        try (Connection c = connect()) {
            c.createStatement().execute("CREATE TABLE kept (v text)");
            c.createStatement().execute("INSERT INTO kept VALUES ('committed before the kill')");
        }
    }

    @AfterEach
    void stop() {
        supervisor.close();
        postgres.close();
    }

    @Test
    void aKilledPostmasterIsRestartedOnItsPortWithItsData() throws Exception {
        long pid = postgres.postmasterPid().orElseThrow();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL: no shutdown, postmaster.pid left behind

        await().atMost(DEADLINE).until(() -> !supervisor.status().up());
        assertThat(supervisor.status().reason()).contains(Long.toString(pid));
        await().atMost(DEADLINE).until(() -> supervisor.status().up());

        assertThat(supervisor.status().restarts()).isEqualTo(1);
        assertThat(postgres.postmasterPid()).isPresent().get().isNotEqualTo(pid);
        try (Connection c = connect();
                ResultSet kept = c.createStatement().executeQuery("SELECT v FROM kept")) {
            assertThat(kept.next()).isTrue();
            assertThat(kept.getString(1)).isEqualTo("committed before the kill");
        }
    }

    @Test
    void aSecondKillIsRestartedToo() throws Exception {
        for (int kill = 1; kill <= 2; kill++) {
            ProcessHandle.of(postgres.postmasterPid().orElseThrow())
                    .orElseThrow()
                    .destroyForcibly();
            int restarts = kill;
            await().atMost(DEADLINE).until(() -> supervisor.status().restarts() == restarts);
        }
        try (Connection c = connect()) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void aRestartThatFailsIsTriedAgainUntilItWorks() throws Exception {
        Path config = tempDir.resolve("postgres/postgresql.conf");
        String good = Files.readString(config);
        Files.writeString(config, good + "\nnot_a_setting = on\n"); // PostgreSQL refuses to start
        ProcessHandle.of(postgres.postmasterPid().orElseThrow()).orElseThrow().destroyForcibly();

        await().atMost(DEADLINE).until(() -> supervisor.status().attempt() >= 2);
        assertThat(supervisor.status().up()).isFalse();
        assertThat(supervisor.status().lastError()).contains("could not start");
        Files.writeString(config, good);

        await().atMost(DEADLINE).until(() -> supervisor.status().up());
        assertThat(supervisor.status().restarts()).isEqualTo(1);
        try (Connection c = connect();
                ResultSet kept = c.createStatement().executeQuery("SELECT count(*) FROM kept")) {
            assertThat(kept.next()).isTrue();
            assertThat(kept.getInt(1)).isOne();
        }
    }

    @Test
    void closingTheServerIsNotACrash() throws Exception {
        long pid = postgres.postmasterPid().orElseThrow();
        postgres.close();
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());

        // a restart would come after one second; none comes, and the port stays closed
        await().during(Duration.ofSeconds(3))
                .atMost(DEADLINE)
                .until(() -> supervisor.status().up());
        assertThat(supervisor.status().restarts()).isZero();
        assertThat(postgres.postmasterPid()).isEmpty();
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
    }
}
