package io.fieldhub.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the simulator (its jar, as a user would) and reads the summary it writes with --json-summary. */
final class SimulatorRun {

    private final Path jar;
    private final Path workDir;

    SimulatorRun(Path jar, Path workDir) {
        this.jar = jar;
        this.workDir = workDir;
    }

    JsonNode run(String runId, String... args) throws IOException, InterruptedException {
        Path summary = workDir.resolve("simulator-" + runId + ".json");
        List<String> command = new ArrayList<>(List.of("java", "-Xmx512m", "-jar", jar.toString(),
                "--run-id", runId, "--json-summary", summary.toString()));
        command.addAll(List.of(args));
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
