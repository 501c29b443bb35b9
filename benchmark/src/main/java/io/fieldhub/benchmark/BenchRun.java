package io.fieldhub.benchmark;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code bench/run}: the broker's ceiling, then the hub on embedded defaults at rising rates until it stops
 * keeping up; every step checks sent = acked = rows = archived with no duplicates. Results are appended to
 * BENCHMARKS.md and written as JSON under bench/results/.
 *
 * <p>Settings are system properties: {@code rates} (comma-separated, default {@value #RATES}),
 * {@code seconds} per step (20), {@code devices} (1000), {@code connections} (1000: a device per connection, as in
 * the field; the broker intake moves one message at a time per connection), {@code ceilingCount} (200000),
 * {@code heap} of the hub (1g), {@code warmUpSeconds} before the first recorded step (60).
 */
public final class BenchRun {

    /** Finer steps around this machine's broker ceiling (~11,000 msg/s), then the goal. */
    static final String RATES = "2000,5000,8000,10000,12000,15000,20000,50000";

    public static void main(String[] args) throws Exception {
        Path home = Path.of("").toAbsolutePath();
        Path results = Files.createDirectories(home.resolve("bench/results"));
        Path work = Files.createTempDirectory("fieldhub-bench-");
        var simulator = new SimulatorRun(home.resolve("simulator/target/fieldhub-simulator.jar"), work);
        int devices = Integer.getInteger("devices", 1000);
        int connections = Integer.getInteger("connections", 1000);
        int seconds = Integer.getInteger("seconds", 20);
        List<Integer> rates = Arrays.stream(System.getProperty("rates", RATES)
                .split(",")).map(String::trim).map(Integer::valueOf).toList();

        System.out.println("1/3 broker ceiling: simulator -> embedded broker -> counting subscriber");
        var ceiling = BrokerCeiling.measure(simulator, work, HubUnderTest.freePort(), devices, connections,
                Long.getLong("ceilingCount", 200_000L), rates, seconds);
        System.out.printf("    published %.0f msg/s, delivered %.0f msg/s%n", ceiling.publishRate(),
                ceiling.deliveredRate());

        System.out.println("2/3 hub ramp: " + rates + " msg/s, " + seconds + " s each");
        var mail = new GreenMail(new ServerSetup(HubUnderTest.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        List<RampStep.Result> steps = new ArrayList<>();
        try (var hub = new HubUnderTest(home.resolve("hub/target/fieldhub-exec.jar"), work.resolve("hub-data"),
                work.resolve("hub.log"), mail.getSmtp().getPort(), System.getProperty("heap", "1g"))) {
            var step = new RampStep(hub, simulator);
            // the JIT compiles Camel, Drools, Jackson and HiveMQ for the first minute: keep that out of the figures
            int warmUp = Integer.getInteger("warmUpSeconds", 60);
            System.out.println("    warming up: " + warmUp + " s at " + rates.get(0) + " msg/s (not recorded)");
            step.run(rates.get(0), warmUp, devices, connections);
            for (int rate : rates) {
                RampStep.Result result = step.run(rate, seconds, devices, connections);
                steps.add(result);
                System.out.println("    " + Report.line(result));
                if (!result.keptUp()) {
                    break;
                }
            }
        } finally {
            mail.stop();
        }

        System.out.println("3/3 report");
        var report = new Report(ceiling, steps, Map.of("devices", devices, "connections", connections,
                "secondsPerStep", seconds, "hubHeap", System.getProperty("heap", "1g"),
                "hubJvmOpts", String.join(" ", HubUnderTest.jvmOptions())));
        report.appendTo(home.resolve("BENCHMARKS.md"));
        Path json = report.writeJson(results);
        System.out.println("    appended to BENCHMARKS.md, figures in " + home.relativize(json)
                + "; logs in " + work);
        System.exit(steps.stream().allMatch(RampStep.Result::countsHold) ? 0 : 1);
    }

}
