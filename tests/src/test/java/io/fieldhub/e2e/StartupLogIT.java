package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.util.TestSocketUtils;

/**
 * What a person sees when the hub starts with its own log settings (docs/startup.md): a short log, with one line per
 * embedded server and the route summary, no library chatter, no health-probe warnings while Camel starts, and no
 * password. The hub runs as a child process, as {@code ./fieldhub} runs it, on a fresh data directory, and is
 * polled for health throughout its start, as a load balancer would.
 */
class StartupLogIT {

    /** The most log lines at INFO and above a normal start may print (docs/startup.md). */
    private static final int MAX_LOG_LINES = 40;

    private static final String S3_SECRET = "startup-log-secret-7f3a";

    @TempDir
    Path dir;

    @Test
    void aStartPrintsAShortLogWithoutSecrets() throws Exception {
        int httpPort = TestSocketUtils.findAvailableTcpPort();
        Path log = dir.resolve("hub.log");
        Process hub = new ProcessBuilder(
                        "java",
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "io.fieldhub.FieldHubApplication",
                        "--hub.data-dir=" + dir.resolve("data"),
                        "--hub.mqtt.port=" + TestSocketUtils.findAvailableTcpPort(),
                        "--hub.database.port=" + TestSocketUtils.findAvailableTcpPort(),
                        "--hub.s3.port=" + TestSocketUtils.findAvailableTcpPort(),
                        "--hub.s3.secret-key=" + S3_SECRET,
                        "--hub.mqtt.tls.port=" + TestSocketUtils.findAvailableTcpPort(),
                        "--server.port=" + httpPort)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            var http = HttpClient.newHttpClient();
            await("the hub is healthy; see " + log)
                    .atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        assertThat(hub.isAlive())
                                .as("hub process alive; see " + log)
                                .isTrue();
                        return healthy(http, httpPort);
                    });
            await("the ready banner")
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(Files.readString(log)).contains("FieldHub is ready"));
        } finally {
            hub.destroy();
            hub.waitFor(60, TimeUnit.SECONDS);
        }
        String output = Files.readString(log);
        String start = output.substring(0, output.indexOf("FieldHub is ready"));
        List<String> logLines =
                start.lines().filter(line -> line.startsWith("{")).toList();

        assertThat(logLines).as("log lines of a start").hasSizeLessThanOrEqualTo(MAX_LOG_LINES);
        assertThat(logLines)
                .filteredOn(line -> line.contains("\"message\":\"Embedded "))
                .hasSize(3);
        assertThat(logLines).anyMatch(line -> line.contains("Routes startup"));
        assertThat(start)
                .as("the broker's store, HiveMQ internals, Camel's probes while starting")
                .doesNotContain("jetbrains.exodus", "com.hivemq.", "Probe in group");
        assertThat(output).as("no secret reaches the console").doesNotContain(S3_SECRET, "password postgres");
        String adminPassword =
                Files.readString(dir.resolve("data/admin-password")).strip();
        String demoSecrets = Files.readString(dir.resolve("data/demo-fleet.csv"));
        assertThat(output).as("the admin password, made on this first start").doesNotContain(adminPassword);
        demoSecrets
                .lines()
                .skip(1)
                .map(line -> line.split(",")[1])
                .forEach(secret ->
                        assertThat(output).as("a demo device's secret").doesNotContain(secret));
    }

    private static boolean healthy(HttpClient http, int port) throws InterruptedException {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body()
                    .contains("\"status\":\"UP\"");
        } catch (IOException e) {
            return false;
        }
    }
}
