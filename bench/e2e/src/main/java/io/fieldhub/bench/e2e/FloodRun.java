package io.fieldhub.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code bench/flood}: what one device flooding at full speed does to the others. The hub runs on embedded defaults
 * with its per-device quota; 50 normal devices send 10 msg/s each (QoS 1), first alone, then beside one device that
 * publishes as fast as it can: QoS 0 by default, which no receive window slows down ({@code floodQos=1}: as fast as
 * the broker acknowledges, PUBACK 0x97 once over its quota). Rounds alternate the two phases, and each
 * prints the normal devices' PUBACK latency (a PUBACK means stored), their acked rate and the flooder's outcome. The
 * goal: the flood raises the normal devices' p99 by at most 20 %.
 *
 * <p>Settings are system properties: {@code seconds} per phase (30), {@code rounds} (2), {@code devices} (50),
 * {@code rate} of each normal device (10), {@code warmUpSeconds} (20), {@code quota} and {@code burst} of the hub
 * (its defaults when unset).
 */
final class FloodRun {

    /** The bound: the flood may raise the normal devices' p99 by this share at most. */
    static final double GOAL = 0.20;

    private static final String OVER_QUOTA = "fieldhub.ingest.over-quota";

    /** A phase's figures: the normal fleet's summary and, in a flood phase, the flooder's. */
    private record Phase(String name, JsonNode normal, JsonNode flooder, double hubCores, long refused) {

        double p99() {
            return normal.path("latencyMs").path("p99").asDouble();
        }

        String line() {
            JsonNode l = normal.path("latencyMs");
            String flood = flooder == null
                    ? ""
                    : String.format(
                            "  flooder: sent %d (%.0f msg/s), acked %d, refused by the quota %d",
                            flooder.path("sent").asLong(),
                            flooder.path("sent").asDouble()
                                    / flooder.path("elapsedSeconds").asDouble(),
                            flooder.path("acked").asLong(),
                            refused);
            return String.format(
                    "    %-6s normal: acked %5.0f msg/s, PUBACK p50/p95/p99 %.0f / %.0f / %.0f ms, errors %d  hub"
                            + " cores %.2f%s",
                    name,
                    normal.path("ackedRate").asDouble(),
                    l.path("p50").asDouble(),
                    l.path("p95").asDouble(),
                    l.path("p99").asDouble(),
                    normal.path("errors").asLong(),
                    hubCores,
                    flood);
        }
    }

    /** The whole run; true when the goal held. */
    static boolean run() throws Exception {
        Path home = Path.of("").toAbsolutePath();
        Path work = Files.createTempDirectory("fieldhub-flood-");
        Path hubData = work.resolve("hub-data");
        ChildProcesses.stopOnExit(List.of(hubData.resolve("postgres")));
        int seconds = Integer.getInteger("seconds", 30);
        int rounds = Integer.getInteger("rounds", 2);
        int devices = Integer.getInteger("devices", 50);
        int rate = Integer.getInteger("rate", 10) * devices;
        Path simulatorJar = home.resolve("simulator/target/fieldhub-simulator.jar");
        var normal = new SimulatorRun(simulatorJar, work, devices, devices, "engine");
        var flooder = new SimulatorRun(simulatorJar, work, 1, 1, "flood");
        List<String> settings = new ArrayList<>();
        if (System.getProperty("quota") != null) {
            settings.add("--hub.ingest.quota.messages-per-second=" + System.getProperty("quota"));
        }
        if (System.getProperty("burst") != null) {
            settings.add("--hub.ingest.quota.burst=" + System.getProperty("burst"));
        }
        System.out.printf(
                "flood: %d devices at %d msg/s in all, alone and beside one flooding device; %d rounds of %d s%n",
                devices, rate, rounds, seconds);
        List<Phase> alone = new ArrayList<>();
        List<Phase> flooded = new ArrayList<>();
        var mail = new GreenMail(new ServerSetup(HubUnderTest.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        try (var hub = new HubUnderTest(
                home.resolve("hub/target/fieldhub-exec.jar"),
                hubData,
                work.resolve("hub.log"),
                mail.getSmtp().getPort(),
                System.getProperty("heap", "1g"),
                settings)) {
            int warmUp = Integer.getInteger("warmUpSeconds", 20);
            System.out.println("    warming up: " + warmUp + " s, both fleets (not recorded)");
            phase(hub, normal, flooder, "warm", warmUp, rate, true);
            for (int round = 1; round <= rounds; round++) {
                alone.add(print(phase(hub, normal, null, "alone" + round, seconds, rate, false)));
                flooded.add(print(phase(hub, normal, flooder, "flood" + round, seconds, rate, false)));
            }
        } finally {
            mail.stop();
        }
        double before = mean(alone);
        double during = mean(flooded);
        double rise = during / before - 1;
        boolean met = rise <= GOAL;
        System.out.printf(
                "normal devices' PUBACK p99: %.0f ms alone, %.0f ms beside the flood (%+.0f %%; goal at most +%.0f %%):"
                        + " %s%n",
                before, during, rise * 100, GOAL * 100, met ? "met" : "NOT MET");
        System.out.println("    logs in " + work + "; run at " + Instant.now());
        return met;
    }

    /** One phase: the normal fleet paced for {@code seconds}, with the flooder beside it when given. */
    private static Phase phase(
            HubUnderTest hub,
            SimulatorRun normal,
            SimulatorRun flooder,
            String name,
            int seconds,
            int rate,
            boolean warmUp)
            throws Exception {
        double cpuBefore = hub.cpuSeconds();
        double refusedBefore = hub.counter(OVER_QUOTA);
        long start = System.nanoTime();
        CompletableFuture<JsonNode> flood = flooder == null
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> {
                    try {
                        return flooder.run(
                                name + "f",
                                hub.mqttUrl(),
                                "--rate",
                                "0",
                                "--duration",
                                seconds + "s",
                                "--qos",
                                System.getProperty("floodQos", "0"));
                    } catch (Exception e) {
                        throw new IllegalStateException("the flooder failed", e);
                    }
                });
        JsonNode fleet = normal.run(name + "n", hub.mqttUrl(), "--rate", "" + rate, "--duration", seconds + "s");
        JsonNode flooded = flood.join();
        double cores = (hub.cpuSeconds() - cpuBefore) / ((System.nanoTime() - start) / 1e9);
        long refused = (long) (hub.counter(OVER_QUOTA) - refusedBefore);
        return new Phase(warmUp ? "warm" : name, fleet, flooded, cores, refused);
    }

    private static Phase print(Phase phase) {
        System.out.println(phase.line());
        return phase;
    }

    private static double mean(List<Phase> phases) {
        return phases.stream().mapToDouble(Phase::p99).average().orElse(Double.NaN);
    }
}
