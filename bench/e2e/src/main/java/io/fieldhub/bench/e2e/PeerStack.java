package io.fieldhub.bench.e2e;

import io.fieldhub.embedded.EmbeddedPostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The peer a user would pick instead of FieldHub, as bench/nodered/README.md describes: Mosquitto (the Debian
 * package) on its defaults, Node-RED (bench/nodered, from npm) subscribed at QoS 1 with a clean session, and a
 * PostgreSQL table with no unique key, written through one pg pool of 10 connections.
 */
final class PeerStack implements AutoCloseable {

    /** The two Node-RED flows in bench/nodered: the usual one, and the batched one a tuned install would use. */
    enum Flow {
        SINGLE("single", "Mosquitto + Node-RED, one INSERT per message"),
        BATCH("batch", "Mosquitto + Node-RED, 500-row batches");

        final String file;
        final String label;

        Flow(String file, String label) {
            this.file = file;
            this.label = label;
        }
    }

    private static final int START_SECONDS = 60;

    private final Path home;
    private final Path work;
    private final Flow flow;
    private final EmbeddedPostgresServer postgres;
    private final JdbcTemplate jdbc;
    private final Mosquitto mosquitto;
    private Process nodeRed;
    private int nodeRedStarts;

    PeerStack(Path home, Path work, Flow flow) throws IOException {
        this.home = home;
        this.work = Files.createDirectories(directory(work, flow));
        this.flow = flow;
        postgres = new EmbeddedPostgresServer(this.work.resolve("postgres"), HubUnderTest.freePort());
        postgres.start();
        jdbc = new JdbcTemplate(new DriverManagerDataSource(postgres.jdbcUrl(), postgres.user(), postgres.password()));
        // the table such a flow writes to: no unique key, so a message written twice is two rows
        jdbc.execute("create table telemetry (device_id text, message_id text, ts timestamptz,"
                + " stored_at timestamptz not null default clock_timestamp(), payload jsonb)");
        // Mosquitto's defaults as Debian ships them, without persistence: Node-RED's session is clean anyway
        mosquitto = new Mosquitto(this.work, List.of("persistence false"));
        startNodeRed();
    }

    /** Where each flow's stack keeps its files under the run's work directory, its PostgreSQL among them. */
    private static Path directory(Path work, Flow flow) {
        return work.resolve("peer-" + flow.file);
    }

    static List<Path> postgresDirectories(Path work) {
        return Arrays.stream(Flow.values())
                .map(flow -> directory(work, flow).resolve("postgres"))
                .toList();
    }

    String mqttUrl() {
        return mosquitto.url();
    }

    Flow flow() {
        return flow;
    }

    JdbcTemplate jdbc() {
        return jdbc;
    }

    /** CPU seconds Node-RED and Mosquitto have used (Node-RED's since its last start). */
    double cpuSeconds() throws IOException {
        return HubUnderTest.cpuSeconds(nodeRed.pid()) + mosquitto.cpuSeconds();
    }

    /** {@code kill -9} of Node-RED, the consumer, and a start right after, as a supervisor would. */
    void killAndRestartConsumer() throws IOException {
        nodeRed.destroyForcibly();
        try {
            nodeRed.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while killing Node-RED", e);
        }
        startNodeRed();
    }

    private void startNodeRed() throws IOException {
        Path userDir = Files.createDirectories(work.resolve("node-red"));
        Files.copy(
                home.resolve("bench/nodered/flows-" + flow.file + ".json"),
                userDir.resolve("flows.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path log = work.resolve("node-red-" + (++nodeRedStarts) + ".log");
        var builder = new ProcessBuilder(
                        "node",
                        home.resolve("bench/nodered/node_modules/node-red/red.js")
                                .toString(),
                        "--settings",
                        home.resolve("bench/nodered/settings.js").toString(),
                        "--userDir",
                        userDir.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment()
                .putAll(Map.of(
                        "PEER_MQTT_PORT", "" + mosquitto.port(),
                        "PEER_HTTP_PORT", "" + HubUnderTest.freePort(),
                        "PEER_PG_PORT", "" + postgres.port(),
                        "PEER_PG_USER", postgres.user(),
                        "PEER_PG_PASSWORD", postgres.password()));
        nodeRed = builder.start();
        awaitLine(log, "Connected to broker");
    }

    private void awaitLine(Path log, String line) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (!Files.readString(log).contains(line)) {
            if (!nodeRed.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("Node-RED did not connect to Mosquitto; see " + log);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    @Override
    public void close() throws InterruptedException {
        nodeRed.destroy();
        nodeRed.waitFor(30, TimeUnit.SECONDS);
        mosquitto.close();
        postgres.close();
    }
}
