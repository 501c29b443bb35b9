package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fieldhub.embedded.S3Clients;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.util.TestSocketUtils;

/**
 * The hub killed with SIGKILL in the middle of a burst, then started again on the same data directory: every
 * message the broker acknowledged to a device is stored, once, and archived.
 */
class CrashIT {

    @TempDir
    Path dataDir;

    final int mqttPort = TestSocketUtils.findAvailableTcpPort();
    final int httpPort = TestSocketUtils.findAvailableTcpPort();
    final int postgresPort = TestSocketUtils.findAvailableTcpPort();
    final int s3Port = TestSocketUtils.findAvailableTcpPort();
    Process hub;

    @AfterEach
    void stopHub() throws InterruptedException {
        if (hub != null) {
            hub.destroy();
            hub.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyAcknowledgedMessageSurvivesAKillNine() throws Exception {
        hub = startHub("first");
        Set<String> acknowledged;
        boolean killed = false;
        try (var burst = new Burst("tcp://localhost:" + mqttPort)) {
            for (int seq = 0; seq < 20_000; seq++) {
                if (!killed && burst.ackedCount() >= 3_000) {
                    hub.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no flush
                    killed = true;
                }
                String json = "{\"metrics\":{\"temperature\":" + (60 + seq % 40) + "}}";
                if (!burst.publish(device(seq), "crash-" + seq, json)) {
                    break; // the broker died with the hub
                }
            }
            acknowledged = burst.acked();
        }
        assertThat(killed).as("the hub was killed mid-burst").isTrue();
        assertThat(acknowledged.size()).isGreaterThanOrEqualTo(3_000);

        hub = startHub("second");
        var jdbc = new JdbcTemplate(new DriverManagerDataSource(
                "jdbc:postgresql://localhost:" + postgresPort + "/postgres", "postgres", "postgres"));
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(() -> assertThat(new HashSet<>(jdbc.queryForList(
                                "select message_id from telemetry where message_id like 'crash-%'", String.class)))
                        .containsAll(acknowledged));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(jdbc.queryForObject(
                                "select count(*) from telemetry t, archive_watermark w where w.stream = 'telemetry' and t.id > w.last_id",
                                Long.class))
                        .isZero());
        // The crash can come between an archive object's upload and its watermark's commit: each reading once there.
        try (var s3 = S3Clients.create(
                URI.create("http://localhost:" + s3Port), "us-east-1", "fieldhub", "fieldhub-secret")) {
            new Archive(s3, "fieldhub")
                    .assertArchivedOnce(
                            "crash-",
                            acknowledged.stream()
                                    .map(id -> new Archive.Entry(
                                            device(Integer.parseInt(id.substring("crash-".length()))), id))
                                    .toList());
        }
    }

    /** Fifty devices take turns: message crash-N comes from device crash-(N mod 50). */
    private static String device(int seq) {
        return "crash-" + seq % 50;
    }

    private Process startHub(String name) throws IOException, InterruptedException {
        Path log = dataDir.resolve("hub-" + name + ".log");
        var process = new ProcessBuilder(
                        "java",
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.fieldhub.FieldHubApplication",
                        "--hub.data-dir=" + dataDir.resolve("data"),
                        "--hub.mqtt.port=" + mqttPort,
                        "--hub.database.port=" + postgresPort,
                        "--hub.s3.port=" + s3Port,
                        "--server.port=" + httpPort,
                        "--hub.archive.max-age=1s",
                        "--hub.archive.check-interval=200",
                        "--hub.mqtt.tls.port=" + TestSocketUtils.findAvailableTcpPort(),
                        "--hub.devices.demo-fleet=false",
                        // the burst is a load test, faster per device than the default quota lets a device send
                        "--hub.ingest.quota.messages-per-second=" + RunningHub.LOAD_TEST_QUOTA,
                        "--logging.level.root=WARN")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        var http = HttpClient.newHttpClient();
        await("the hub is healthy; see " + log)
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    assertThat(process.isAlive())
                            .as("hub process alive; see " + Files.readString(log))
                            .isTrue();
                    try {
                        return http.send(
                                        HttpRequest.newBuilder(
                                                        URI.create("http://localhost:" + httpPort + "/actuator/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body()
                                .contains("\"status\":\"UP\"");
                    } catch (IOException e) {
                        return false;
                    }
                });
        TestFleet.enroll("http://localhost:" + httpPort, RunningHub.adminAuthorization(dataDir.resolve("data")));
        return process;
    }
}
