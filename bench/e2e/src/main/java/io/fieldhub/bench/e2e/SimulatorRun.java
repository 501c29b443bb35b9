package io.fieldhub.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the simulator (its jar, as a user would) and reads the summary it writes with --json-summary. Every run, the
 * ceiling's and the hub's, uses the same fleet: devices, connections and messages in flight.
 */
final class SimulatorRun {

    /**
     * What the embedded broker lets a connection have unacknowledged (HiveMQ's default receive maximum). A fleet
     * has no window shared by all devices, so the simulator's run-wide limit is set to what the connections allow.
     */
    static final int BROKER_RECEIVE_MAXIMUM = 10;

    private final Path jar;
    private final Path workDir;
    private final List<String> fleet;

    SimulatorRun(Path jar, Path workDir, int devices, int connections) {
        this(jar, workDir, devices, connections, "engine");
    }

    /** A fleet whose device ids are {@code prefix-1 .. prefix-N}, e.g. a second fleet beside the first. */
    SimulatorRun(Path jar, Path workDir, int devices, int connections, String prefix) {
        // every device proves who it is, with the key the benchmark's enrollment group derives for it
        this(
                jar,
                workDir,
                List.of(
                        "--devices",
                        "" + devices,
                        "--connections",
                        "" + connections,
                        "--max-inflight",
                        "" + connections * BROKER_RECEIVE_MAXIMUM,
                        "--group-key",
                        HubUnderTest.GROUP_KEY,
                        "--device-prefix",
                        prefix));
    }

    private SimulatorRun(Path jar, Path workDir, List<String> fleet) {
        this.jar = jar;
        this.workDir = workDir;
        this.fleet = fleet;
    }

    /**
     * Devices {@code prefix-1 ..} behind {@code gateways} gateways {@code prefix-gw-1 ..}, one connection each, each
     * message {@code batch} readings; --rate and --count then count messages. The gateways enroll with the group key;
     * their devices must be in the registry with the gateway in their via ({@link HubUnderTest#importDevices}).
     */
    static Gateways gateways(Path jar, Path workDir, int gateways, int perGateway, int batch, String prefix) {
        var simulator = new SimulatorRun(
                jar,
                workDir,
                List.of(
                        "--gateways",
                        "" + gateways,
                        "--devices-per-gateway",
                        "" + perGateway,
                        "--batch",
                        "" + batch,
                        "--max-inflight",
                        "" + gateways * BROKER_RECEIVE_MAXIMUM,
                        "--group-key",
                        HubUnderTest.GROUP_KEY,
                        "--device-prefix",
                        prefix));
        return new Gateways(simulator, prefix, gateways, perGateway, batch);
    }

    /** A gateway fleet: its simulator and how it is dealt. */
    record Gateways(SimulatorRun simulator, String prefix, int gateways, int perGateway, int batch) {}

    /** {@link #run} on another thread, for a step that does something to the system while the devices publish. */
    CompletableFuture<JsonNode> runAsync(String runId, String url, String... pace) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return run(runId, url, pace);
            } catch (IOException e) {
                throw new UncheckedIOException("simulator run " + runId + " failed", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("simulator run " + runId + " interrupted", e);
            }
        });
    }

    /** One run against the broker at {@code url}; {@code pace} is --rate with --duration or --count. */
    JsonNode run(String runId, String url, String... pace) throws IOException, InterruptedException {
        Path summary = workDir.resolve("simulator-" + runId + ".json");
        List<String> command = new ArrayList<>(List.of(
                "java",
                "-Xmx512m",
                "-jar",
                jar.toString(),
                "--run-id",
                runId,
                "--json-summary",
                summary.toString(),
                "--url",
                url));
        command.addAll(fleet);
        command.addAll(List.of(pace));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("simulator-" + runId + ".log").toFile())
                .start();
        if (!process.waitFor(30, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("simulator run " + runId + " did not end");
        }
        if (!Files.exists(summary)) {
            throw new IllegalStateException("simulator run " + runId + " wrote no summary; see "
                    + workDir.resolve("simulator-" + runId + ".log"));
        }
        return new ObjectMapper().readTree(summary.toFile());
    }
}
