package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fieldhub.embedded.S3Clients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.util.TestSocketUtils;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The hub as its own process, its jar (built by the reactor before {@code tests/}) run as {@code ./fieldhub} runs it,
 * extracted into plain jars, on free ports with a data directory of its own, so a test can kill it ({@code kill -9}),
 * stop it (SIGTERM) and start it again on the same directory. Each start logs to its own file under {@link #home}; the test devices' enrollment
 * group is made once the hub is healthy.
 */
public final class HubProcess implements AutoCloseable {

    /** The runnable jar, relative to the repository root where the tests run (see tests/pom.xml). */
    static final Path JAR = Path.of("hub/target/fieldhub-exec.jar");
    /** Where the tests extract it (beside the test reports; {@code ./fieldhub} keeps its own in hub/target). */
    static final Path APP = Path.of("tests/target/fieldhub-app");

    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);

    public final Path home;
    public final Path dataDir;
    public final int mqttPort = TestSocketUtils.findAvailableTcpPort();
    public final int httpPort = TestSocketUtils.findAvailableTcpPort();
    public final int postgresPort = TestSocketUtils.findAvailableTcpPort();
    public final int s3Port = TestSocketUtils.findAvailableTcpPort();
    private final int tlsPort = TestSocketUtils.findAvailableTcpPort();
    private final List<String> extraArgs;
    private Process process;
    private int starts;

    /** @param extraArgs Spring settings on top of the test defaults; a later {@code --key=} replaces an earlier one */
    public HubProcess(Path home, String... extraArgs) {
        this.home = home;
        this.dataDir = home.resolve("data");
        this.extraArgs = List.of(extraArgs);
    }

    /** Starts the hub and waits until it is healthy; the seconds it took. */
    public double start() {
        assertThat(process == null || !process.isAlive())
                .as("the hub is stopped")
                .isTrue();
        assertThat(JAR).as("the hub jar (built by ./mvnw -pl tests -am verify)").exists();
        List<String> command = java();
        long begin = System.nanoTime();
        Path log = home.resolve("hub-" + ++starts + ".log");
        command.addAll(args());
        try {
            Files.createDirectories(home);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        Process started = process;
        HttpClient http = HttpClient.newHttpClient();
        await("the hub is healthy; see " + log)
                .atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    assertThat(started.isAlive())
                            .as("hub process alive; see " + log)
                            .isTrue();
                    return healthy(http);
                });
        try {
            TestFleet.enroll(httpUrl(""), RunningHub.adminAuthorization(dataDir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return (System.nanoTime() - begin) / 1e9;
    }

    /** SIGKILL: no shutdown hook, no flush; the seconds until the process was gone. */
    public double kill() {
        return stop(true);
    }

    /** SIGTERM, then waits for the hub's orderly stop; the seconds it took. */
    public double terminate() {
        return stop(false);
    }

    private double stop(boolean forcibly) {
        long begin = System.nanoTime();
        if (forcibly) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            assertThat(process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .as("the hub stopped within %s; see %s", STOP_TIMEOUT, home)
                    .isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return (System.nanoTime() - begin) / 1e9;
    }

    /** Exit code of the last run, once it ended. */
    public int exitValue() {
        return process.exitValue();
    }

    public String mqttUrl() {
        return "tcp://127.0.0.1:" + mqttPort;
    }

    public String httpUrl(String path) {
        return "http://localhost:" + httpPort + path;
    }

    /** The embedded PostgreSQL (unless the hub was given another). */
    public JdbcTemplate jdbc() {
        return new JdbcTemplate(new DriverManagerDataSource(
                "jdbc:postgresql://localhost:" + postgresPort + "/postgres", "postgres", "postgres"));
    }

    /** A client of the embedded S3 server (unless the hub was given another); the caller closes it. */
    public S3Client s3() {
        return S3Clients.create(URI.create("http://localhost:" + s3Port), "us-east-1", "fieldhub", "fieldhub-secret");
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            terminate();
        }
    }

    /**
     * The JVM and jar of a start: the hub jar extracted into plain jars, as {@code ./fieldhub} runs it (once per build;
     * skipped while the extracted jar is newer). A start then reads its classes from plain jars rather than from jars
     * nested in the hub jar, which took a start about 30 s of CPU more on a busy 2-core machine (docs/testing.md).
     */
    private static synchronized List<String> java() {
        Path extracted = APP.resolve(JAR.getFileName());
        try {
            if (!Files.exists(extracted)
                    || Files.getLastModifiedTime(JAR).compareTo(Files.getLastModifiedTime(extracted)) > 0) {
                extract();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(List.of("java", "-Xmx768m", "-XX:+UseG1GC", "-jar", extracted.toString()));
    }

    private static void extract() throws IOException {
        Files.createDirectories(APP);
        Path log = APP.resolveSibling(APP.getFileName() + "-extract.log");
        Process extract = new ProcessBuilder(
                        "java",
                        "-Djarmode=tools",
                        "-jar",
                        JAR.toString(),
                        "extract",
                        "--force",
                        "--destination",
                        APP.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            assertThat(extract.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                    .as("the hub jar extracted within %s; see %s", STOP_TIMEOUT, log)
                    .isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertThat(extract.exitValue())
                .as("extracting the hub jar; see %s", log)
                .isZero();
    }

    private List<String> args() {
        List<String> args = new ArrayList<>(List.of(
                "--hub.data-dir=" + dataDir.toAbsolutePath(),
                "--hub.mqtt.port=" + mqttPort,
                "--hub.mqtt.tls.port=" + tlsPort,
                "--hub.database.port=" + postgresPort,
                "--hub.s3.port=" + s3Port,
                "--server.port=" + httpPort,
                "--hub.archive.max-age=1s",
                "--hub.archive.check-interval=200",
                "--hub.devices.demo-fleet=false",
                // the tests are load tests, faster per device than the default quota lets a device send
                "--hub.ingest.quota.messages-per-second=" + RunningHub.LOAD_TEST_QUOTA,
                "--logging.level.root=WARN"));
        args.addAll(extraArgs);
        // a later --key=value replaces an earlier one (Spring would join repeated keys into a list)
        Map<String, String> byKey = new LinkedHashMap<>();
        args.forEach(a -> byKey.put(a.substring(0, a.indexOf('=')), a));
        return List.copyOf(byKey.values());
    }

    private boolean healthy(HttpClient http) throws InterruptedException {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(httpUrl("/actuator/health")))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body()
                    .contains("\"status\":\"UP\"");
        } catch (IOException e) {
            return false;
        }
    }
}
