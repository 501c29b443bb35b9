package io.fieldhub.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.embedded.S3Clients;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Phase 3's subject: the hub as `java -jar`, on embedded defaults (broker, PostgreSQL, S3 in the hub's process) with
 * free ports, sending alert email to the benchmark's SMTP sink. Reads its CPU and RSS from /proc, its heap from
 * the actuator.
 */
final class HubUnderTest implements AutoCloseable {

    static final String BUCKET = "fieldhub";

    /** The benchmark's enrollment group key (Base64, 32 bytes): its devices register on their first connection. */
    static final String GROUP_KEY = "ZmllbGRodWItYmVuY2htYXJrLWdyb3VwLWtleS0zMmI=";

    /** What ./fieldhub starts the hub with. */
    static final String DEFAULT_JVM_OPTIONS = "-XX:+UseG1GC";

    /** The hub starts in ~20 s on an idle machine; on one shared with builds it took over 5 minutes. */
    private static final long STARTUP_SECONDS = 600;

    final int mqttPort = freePort();
    final int httpPort = freePort();
    final int postgresPort = freePort();
    final int s3Port = freePort();
    private final List<String> command;
    private final Path log;
    private Process process;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newHttpClient();
    private final S3Client s3;
    private final JdbcTemplate jdbc;

    /** {@code settings}: more {@code --hub.…=…} arguments, after the benchmark's own. */
    HubUnderTest(Path jar, Path dataDir, Path log, int smtpPort, String heap, List<String> settings)
            throws IOException {
        this.dataDir = dataDir;
        this.log = log;
        command = new ArrayList<>(List.of("java", "-Xmx" + heap));
        command.addAll(jvmOptions());
        command.addAll(List.of(
                "-jar",
                jar.toString(),
                "--hub.data-dir=" + dataDir,
                "--hub.mqtt.port=" + mqttPort,
                "--hub.database.port=" + postgresPort,
                "--hub.s3.port=" + s3Port,
                "--server.port=" + httpPort,
                "--hub.mail.host=127.0.0.1",
                "--hub.mqtt.tls.port=" + freePort(),
                "--hub.devices.demo-fleet=false",
                "--hub.mail.port=" + smtpPort,
                "--hub.mail.poll-interval=50",
                "--logging.level.root=WARN",
                "--hub.notify.routing-file=bench/notifications.yaml"));
        command.addAll(settings);
        process = start();
        jdbc = new JdbcTemplate(new DriverManagerDataSource(
                "jdbc:postgresql://localhost:" + postgresPort + "/postgres", "postgres", "postgres"));
        s3 = S3Clients.create(URI.create("http://localhost:" + s3Port), "us-east-1", "fieldhub", "fieldhub-secret");
        awaitHealthy(log);
        enrollTheFleet();
    }

    private Process start() throws IOException {
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /**
     * {@code kill -9} of the hub, then a start on the same data directory and ports, as a supervisor would;
     * returns the seconds until it was healthy again.
     */
    double killAndRestart() throws IOException, InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        long start = System.nanoTime();
        process = start();
        awaitHealthy(log);
        return (System.nanoTime() - start) / 1e9;
    }

    private void enrollTheFleet() throws IOException {
        String group = "{\"id\":\"bench\",\"type\":\"engine\",\"groupKey\":\"" + GROUP_KEY + "\"}";
        HttpResponse<String> made = post("/api/enrollment-groups", "application/json", group);
        if (made.statusCode() != 201) {
            throw new IOException("the benchmark's enrollment group was not made: HTTP " + made.statusCode());
        }
    }

    /**
     * Registers {@code perGateway} devices {@code prefix-1 ..} behind each gateway {@code prefix-gw-1 ..}, as the
     * simulator's gateway mode deals them (docs/devices.md#gateways); the gateways enroll themselves on connecting.
     */
    void importDevices(String prefix, int gateways, int perGateway) throws IOException {
        StringBuilder csv = new StringBuilder("id,via\n");
        for (int i = 1; i <= gateways * perGateway; i++) {
            csv.append(prefix).append('-').append(i).append(',');
            csv.append(prefix).append("-gw-").append((i - 1) / perGateway + 1).append('\n');
        }
        HttpResponse<String> imported = post("/api/devices/import", "text/csv", csv.toString());
        if (imported.statusCode() != 200) {
            throw new IOException(
                    "the gateways' devices were not imported: HTTP " + imported.statusCode() + " " + imported.body());
        }
    }

    private HttpResponse<String> post(String path, String contentType, String body) throws IOException {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path))
                            .header("Content-Type", contentType)
                            .header("Authorization", admin())
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted during POST " + path, e);
        }
    }

    /** HTTP Basic as the admin the hub made on its first start (password in its data directory). */
    private String admin() throws IOException {
        String password = Files.readString(dataDir.resolve("admin-password")).strip();
        return "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The JVM options ./fieldhub starts the hub with, then HUB_JVM_OPTS of bench/run; a collector named there
     * ({@code -XX:+UseG1GC}, to compare) replaces the default one, since the JVM refuses two.
     */
    static List<String> jvmOptions() {
        List<String> extra = Arrays.stream(System.getProperty("hubJvmOpts", "").split("\\s+"))
                .filter(o -> !o.isBlank())
                .toList();
        List<String> options = new ArrayList<>();
        if (extra.stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
            options.add(DEFAULT_JVM_OPTIONS);
        }
        options.addAll(extra);
        return options;
    }

    String mqttUrl() {
        return "tcp://127.0.0.1:" + mqttPort;
    }

    JdbcTemplate jdbc() {
        return jdbc;
    }

    S3Client s3() {
        return s3;
    }

    /** CPU seconds the hub process (and its threads) has used, from /proc. */
    double cpuSeconds() throws IOException {
        return cpuSeconds(process.pid());
    }

    /** CPU seconds process {@code pid} (and its threads) has used, from /proc. */
    static double cpuSeconds(long pid) throws IOException {
        String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat"))
                .split("\\) ")[1]
                .split(" ");
        return (Long.parseLong(stat[11]) + Long.parseLong(stat[12])) / 100.0;
    }

    long rssMb() throws IOException {
        return Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024)
                .findFirst()
                .orElse(-1);
    }

    long heapUsedMb() throws IOException, InterruptedException {
        var body = get("/actuator/metrics/jvm.memory.used?tag=area:heap");
        return (long) (new ObjectMapper()
                        .readTree(body)
                        .path("measurements")
                        .get(0)
                        .path("value")
                        .asDouble()
                / 1024
                / 1024);
    }

    /** The total of a counter of the hub's, over all its tags, e.g. {@code fieldhub.ingest.over-quota}. */
    double counter(String name) throws IOException, InterruptedException {
        return new ObjectMapper()
                .readTree(get("/actuator/metrics/" + name))
                .path("measurements")
                .path(0)
                .path("value")
                .asDouble();
    }

    /** A GET as the hub's admin once the first start has made it (metrics need a user; health does not). */
    private String get(String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path));
        if (Files.exists(dataDir.resolve("admin-password"))) {
            request.header("Authorization", admin());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private void awaitHealthy(Path log) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_SECONDS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the hub exited while starting; see " + log);
            }
            try {
                // the overall status: a component's (the database's) is UP long before Camel has started
                if (new ObjectMapper()
                        .readTree(get("/actuator/health"))
                        .path("status")
                        .asText()
                        .equals("UP")) {
                    return;
                }
            } catch (IOException | InterruptedException e) {
                // not listening yet
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
        }
        throw new IllegalStateException("the hub did not become healthy in " + STARTUP_SECONDS + " s; see " + log);
    }

    @Override
    public void close() throws InterruptedException {
        s3.close();
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
