package io.fieldhub.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.e2e.Archive.Entry;
import io.fieldhub.e2e.TestFleet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One run of the simulator as its own process ({@code java -jar simulator/target/fieldhub-simulator.jar}, what
 * {@code ./simulate} runs): its devices are {@code <runId>-1 .. <runId>-N}, each connecting as itself with the key
 * derived from the test enrollment group, reconnecting and resending with the same messageId until every message is
 * acknowledged (never giving up). It sends until the test ends it (SIGTERM: the simulator stops sending, waits for
 * every outstanding acknowledgement and sums up), so every fault a test makes meets devices still sending. Its
 * summary and the list of messages acknowledged with 0x00 are read at the end.
 */
final class SimulatorRun {

    static final Path JAR = Path.of("simulator/target/fieldhub-simulator.jar");

    private final String runId;
    private final Process process;
    private final Path summaryFile;
    private final Path ackedFile;
    private final Path log;

    private SimulatorRun(String runId, Process process, Path dir) {
        this.runId = runId;
        this.process = process;
        this.summaryFile = dir.resolve(runId + "-summary.json");
        this.ackedFile = dir.resolve(runId + "-acked.csv");
        this.log = dir.resolve(runId + "-simulator.log");
    }

    /**
     * Starts sending at {@link FaultLoad#rate()} to the broker at {@code url}, the share {@code hotShare} of the
     * readings over 90 degrees (each raises an overheat alert on an engine: the run id should start with "engine-").
     */
    static SimulatorRun start(Path dir, String url, String runId, FaultLoad load, double hotShare) {
        assertThat(JAR)
                .as("the simulator jar (built by ./mvnw -pl tests -am verify)")
                .exists();
        List<String> command = new ArrayList<>(List.of(
                "java",
                "-Xmx384m",
                "-jar",
                JAR.toString(),
                "--url",
                url,
                "--group-key",
                TestFleet.GROUP_KEY,
                "--devices",
                Integer.toString(load.devices()),
                "--rate",
                Integer.toString(load.rate()),
                "--duration",
                "1h",
                "--device-prefix",
                runId,
                "--run-id",
                runId,
                "--give-up-after",
                "0",
                "--drain-timeout",
                "10m",
                "--hot-share",
                Double.toString(hotShare),
                "--json-summary",
                dir.resolve(runId + "-summary.json").toString(),
                "--acked-out",
                dir.resolve(runId + "-acked.csv").toString()));
        try {
            Files.createDirectories(dir);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve(runId + "-simulator.log").toFile())
                    .start();
            return new SimulatorRun(runId, process, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Ends the run and waits until every message is acknowledged, or the drain timed out. */
    Result end(Duration timeout) throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the simulator did not finish within " + timeout + "; see " + log);
        }
        assertThat(summaryFile).as("the simulator's summary; see " + log).exists();
        Set<Entry> acked = Files.readAllLines(ackedFile).stream()
                .map(line -> line.split(",", 2))
                .map(fields -> new Entry(fields[0], fields[1]))
                .collect(Collectors.toUnmodifiableSet());
        return new Result(runId, process.exitValue(), new ObjectMapper().readTree(summaryFile.toFile()), acked, log);
    }

    /** Ends a run that a failed test leaves behind. */
    void stop() {
        process.destroyForcibly();
    }

    /** What the simulator reported: its summary and every (device, messageId) acknowledged with 0x00. */
    record Result(String runId, int exitCode, JsonNode summary, Set<Entry> acked, Path log) {

        long count(String field) {
            return summary.path(field).asLong();
        }
    }
}
