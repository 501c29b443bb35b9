package io.fieldhub.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench/peer}, and the peer phase of {@code PEER=1 bench/run}: each Node-RED flow through the same ramp and
 * fleet as the hub, then one {@code kill -9} of Node-RED under load. Settings are the system properties of
 * {@link BenchRun}, plus {@code peerRates} for bench/peer (default {@value #RATES}; bench/run uses its own rates)
 * and {@code killRate} (2000 msg/s).
 */
final class PeerRun {

    static final String RATES = "1000,2000,3000,5000,8000,10000,12000";

    /** A ramp goes on past a step that fell behind (the peer may still ack and store more), but not past two. */
    private static final int BEHIND_IN_A_ROW = 2;

    private PeerRun() {}

    /** bench/peer on its own: the peer's ramps, printed and written to bench/results/peer-TIME.md and .json. */
    static boolean run() throws Exception {
        Path home = Path.of("").toAbsolutePath();
        Path work = Files.createTempDirectory("fieldhub-peer-");
        ChildProcesses.stopOnExit(PeerStack.postgresDirectories(work));
        var simulator = new SimulatorRun(
                home.resolve("simulator/target/fieldhub-simulator.jar"),
                work,
                Integer.getInteger("devices", 1000),
                Integer.getInteger("connections", 1000));
        List<Integer> rates = Arrays.stream(
                        System.getProperty("peerRates", RATES).split(","))
                .map(String::trim)
                .map(Integer::valueOf)
                .toList();
        List<PeerStep.Result> results = measure(home, work, simulator, rates, Integer.getInteger("seconds", 20));
        String when = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "");
        Path dir = Files.createDirectories(home.resolve("bench/results"));
        Path md = dir.resolve("peer-" + when + ".md");
        Files.writeString(
                md,
                "# Peer run " + when + "\n\n" + Report.METHOD_PEER + "\n"
                        + Report.sideBySide(List.of(), List.of(), results));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("when", when);
        json.put("steps", results);
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve("peer-" + when + ".json").toFile(), json);
        System.out.println("    tables in " + home.relativize(md) + "; logs in " + work);
        return true;
    }

    /** Both flows: a warm-up, the ramp, then the kill step. */
    static List<PeerStep.Result> measure(Path home, Path work, SimulatorRun simulator, List<Integer> rates, int seconds)
            throws Exception {
        int killRate = Integer.getInteger("killRate", 2000);
        List<PeerStep.Result> results = new ArrayList<>();
        for (PeerStack.Flow flow : PeerStack.Flow.values()) {
            System.out.println("    peer: " + flow.label + ", " + rates + " msg/s, " + seconds + " s each");
            try (var peer = new PeerStack(home, work, flow)) {
                var step = new PeerStep(peer, simulator);
                step.run(rates.get(0), 10, false);
                int behind = 0;
                for (int rate : rates) {
                    PeerStep.Result result = step.run(rate, seconds, false);
                    results.add(result);
                    System.out.println("    " + Report.line(result));
                    behind = result.keptUp() ? 0 : behind + 1;
                    if (behind == BEHIND_IN_A_ROW) {
                        break;
                    }
                }
                PeerStep.Result kill = step.run(killRate, Math.max(seconds, 30), true);
                results.add(kill);
                System.out.println("    kill -9 of Node-RED: " + Report.line(kill));
            }
        }
        return results;
    }
}
