package io.fieldhub.bench.e2e;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code bench/run}: the ceiling (the hub's broker path with a route that answers at once), the broker alone with a
 * counting subscriber for reference, then the hub on embedded defaults at rising rates until it stops keeping up;
 * every step checks sent = acked = rows = archived, with no archived record twice or missing. Each run's tables go
 * to bench/results/e2e-TIME.md beside its JSON; BENCHMARKS.md summarises them by hand.
 *
 * <p>Settings are system properties: {@code rates} (comma-separated, default {@value #RATES}),
 * {@code seconds} per step (20), {@code devices} (1000), {@code connections} (1000: a device per connection, as in
 * the field; the broker intake moves one message at a time per connection), {@code ceilingCount} (200000),
 * {@code heap} of the hub (1g), {@code warmUpSeconds} before the first recorded step (60), {@code gatewayRates}
 * (readings/s, default {@value #GATEWAY_RATES}; empty: no gateway steps), {@code peer} (false: true runs
 * {@link PeerRun}'s ramps after the hub's, into the same report). The report ends with the goals ({@link Goals}).
 */
public final class BenchRun {

    /** Finer steps around where the hub topped out on this machine (~12,000 msg/s in 2026-11), then the goal. */
    static final String RATES = "2000,5000,8000,10000,12000,15000,20000,50000";

    /** Readings per second through gateways: around the goals (20,000 over one connection, 50,000 over ten). */
    static final String GATEWAY_RATES = "20000,50000,80000";

    /** Readings per gateway message in the gateway steps. */
    static final int GATEWAY_BATCH = 100;

    /** Messages per second per device, far above what any step sends. */
    static final int UNLIMITED_QUOTA = 1_000_000;

    public static void main(String[] args) {
        System.setProperty("logback.configurationFile", "bench-logback.xml");
        int status;
        try {
            // bench/flood and bench/peer run the same jar with the argument "flood" or "peer"
            String mode = args.length > 0 ? args[0] : "ramp";
            boolean held = switch (mode) {
                case "flood" -> FloodRun.run();
                case "peer" -> PeerRun.run();
                default -> run();
            };
            status = held ? 0 : 1;
        } catch (Exception e) {
            e.printStackTrace();
            status = 2;
        }
        // exits even when a client or server thread lingers; the shutdown hook stops the child processes
        System.exit(status);
    }

    /** The whole run; true when every step's counts held. */
    private static boolean run() throws Exception {
        Path home = Path.of("").toAbsolutePath();
        Path results = Files.createDirectories(home.resolve("bench/results"));
        Path work = Files.createTempDirectory("fieldhub-bench-");
        Path hubData = work.resolve("hub-data");
        List<Path> postgres = new ArrayList<>(PeerStack.postgresDirectories(work));
        postgres.add(hubData.resolve("postgres"));
        postgres.add(work.resolve("hub-external-data/postgres"));
        postgres.add(work.resolve("hub-gateways-data/postgres"));
        ChildProcesses.stopOnExit(postgres);
        int devices = Integer.getInteger("devices", 1000);
        int connections = Integer.getInteger("connections", 1000);
        int seconds = Integer.getInteger("seconds", 20);
        long ceilingCount = Long.getLong("ceilingCount", 200_000L);
        var simulator =
                new SimulatorRun(home.resolve("simulator/target/fieldhub-simulator.jar"), work, devices, connections);
        List<Integer> rates = Arrays.stream(System.getProperty("rates", RATES).split(","))
                .map(String::trim)
                .map(Integer::valueOf)
                .toList();

        System.out.println("1/4 ceiling: simulator -> embedded broker -> the hub's intake, answering at once");
        var ceiling = BrokerCeiling.measure(simulator, work, HubUnderTest.freePort(), ceilingCount, rates, seconds);

        System.out.println("2/4 broker alone, subscriber: simulator -> embedded broker -> counting subscriber");
        var reference = SubscriberReference.measure(simulator, work, HubUnderTest.freePort(), ceilingCount);
        System.out.printf(
                "    published %.0f msg/s, delivered %.0f msg/s%n", reference.publishRate(), reference.deliveredRate());

        System.out.println("3/4 hub ramp: " + rates + " msg/s, " + seconds + " s each");
        var mail = new GreenMail(new ServerSetup(HubUnderTest.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        List<RampStep.Result> steps;
        List<RampStep.Result> external = List.of();
        try {
            steps = ramp(home, hubData, work.resolve("hub.log"), mail, List.of(), simulator, null, rates, seconds);
            if (Boolean.getBoolean("peer")) {
                System.out.println("    FieldHub with external Mosquitto, subscription intake, same ramp (PEER=1)");
                // a broker set up as docs/architecture.md asks: on disk, with a deep queue for the hub's session
                try (var broker = new Mosquitto(
                        work.resolve("mosquitto-hub"),
                        List.of(
                                "persistence true",
                                "persistence_location " + work.resolve("mosquitto-hub") + "/",
                                "max_queued_messages 10000000",
                                "max_inflight_messages 5000"))) {
                    external = ramp(
                            home,
                            work.resolve("hub-external-data"),
                            work.resolve("hub-external.log"),
                            mail,
                            List.of("--hub.mqtt.broker-url=" + broker.url()),
                            simulator,
                            broker.url(),
                            rates,
                            seconds);
                }
            }
        } finally {
            mail.stop();
        }

        List<GatewayStep.Result> gateways = List.of();
        List<Integer> gatewayRates = Arrays.stream(
                        System.getProperty("gatewayRates", GATEWAY_RATES).split(","))
                .map(String::trim)
                .filter(r -> !r.isEmpty())
                .map(Integer::valueOf)
                .toList();
        if (!gatewayRates.isEmpty()) {
            System.out.println("    gateways: " + gatewayRates + " readings/s, " + seconds + " s each");
            gateways = gatewayRamp(home, work, gatewayRates, seconds);
        }

        List<PeerStep.Result> peer = List.of();
        if (Boolean.getBoolean("peer")) {
            System.out.println("    the peer, same ramp (PEER=1)");
            peer = PeerRun.measure(home, work, simulator, rates, seconds);
        }

        System.out.println("4/4 report");
        Map<String, Object> settings = new TreeMap<>(Map.of(
                "devices",
                devices,
                "connections",
                connections,
                "maxInflight",
                connections * SimulatorRun.BROKER_RECEIVE_MAXIMUM,
                "secondsPerStep",
                seconds,
                "hubHeap",
                System.getProperty("heap", "1g"),
                "hubJvmOpts",
                String.join(" ", HubUnderTest.jvmOptions())));
        var report = new Report(ceiling, reference, steps, external, peer, gateways, settings);
        Path tables = report.writeMarkdown(results);
        Path json = report.writeJson(results);
        System.out.println("    tables in " + home.relativize(tables) + ", figures in " + home.relativize(json)
                + "; logs in " + work);
        return Stream.concat(steps.stream(), external.stream()).allMatch(RampStep.Result::countsHold)
                && gateways.stream().allMatch(GatewayStep.Result::countsHold);
    }

    /**
     * A hub on embedded defaults (or with {@code settings}, e.g. an external broker) through the rates until a step
     * falls behind, then one {@code kill -9} of it under load at {@code killRate} (2000 msg/s); devices publish to
     * its embedded broker, or to {@code deviceUrl} when that is not null.
     */
    private static List<RampStep.Result> ramp(
            Path home,
            Path hubData,
            Path log,
            GreenMail mail,
            List<String> settings,
            SimulatorRun simulator,
            String deviceUrl,
            List<Integer> rates,
            int seconds)
            throws Exception {
        List<RampStep.Result> steps = new ArrayList<>();
        try (var hub = hub(home, hubData, log, mail, settings)) {
            var step = deviceUrl == null ? new RampStep(hub, simulator) : new RampStep(hub, simulator, deviceUrl);
            // the JIT compiles Camel, Drools, Jackson and HiveMQ for the first minute: keep that out of the figures
            int warmUp = Integer.getInteger("warmUpSeconds", 60);
            System.out.println("    warming up: " + warmUp + " s at " + rates.get(0) + " msg/s (not recorded)");
            step.run(rates.get(0), warmUp);
            for (int rate : rates) {
                RampStep.Result result = step.run(rate, seconds);
                steps.add(result);
                System.out.println("    " + Report.line(result));
                if (!result.keptUp()) {
                    break;
                }
            }
            RampStep.Result kill = step.run(Integer.getInteger("killRate", 2000), Math.max(seconds, 30), true);
            steps.add(kill);
            System.out.println("    kill -9 of the hub: " + Report.line(kill));
        }
        return steps;
    }

    /**
     * A hub of their own for the gateways: ten gateways of 100 devices, then one of 1,000, each message
     * {@value #GATEWAY_BATCH} readings, through the rates until a step falls behind.
     */
    private static List<GatewayStep.Result> gatewayRamp(Path home, Path work, List<Integer> rates, int seconds)
            throws Exception {
        Path jar = home.resolve("simulator/target/fieldhub-simulator.jar");
        List<GatewayStep.Result> results = new ArrayList<>();
        var mail = new GreenMail(new ServerSetup(HubUnderTest.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        try (var hub =
                hub(home, work.resolve("hub-gateways-data"), work.resolve("hub-gateways.log"), mail, List.of())) {
            for (var fleet : List.of(
                    SimulatorRun.gateways(jar, work, 10, 100, GATEWAY_BATCH, "gwten"),
                    SimulatorRun.gateways(jar, work, 1, 1000, GATEWAY_BATCH, "gwone"))) {
                var step = new GatewayStep(hub, fleet);
                int warmUp = Integer.getInteger("warmUpSeconds", 60);
                System.out.println("    warming up: " + warmUp + " s at " + rates.get(0) + " readings/s");
                step.run(rates.get(0), warmUp);
                for (int rate : rates) {
                    GatewayStep.Result result = step.run(rate, seconds);
                    results.add(result);
                    System.out.println("    " + GatewayStep.line(result));
                    if (!result.keptUp()) {
                        break;
                    }
                }
            }
        } finally {
            mail.stop();
        }
        return results;
    }

    /** The hub jar on its data directory, emailing {@code mail}, with {@code settings} after the benchmark's own. */
    private static HubUnderTest hub(Path home, Path data, Path log, GreenMail mail, List<String> settings)
            throws Exception {
        List<String> hubSettings = new ArrayList<>(settings);
        // each device sends rate / devices msg/s: a quota above every step's keeps it out of the way, while its
        // check still runs for every message
        hubSettings.add("--hub.ingest.quota.messages-per-second=" + UNLIMITED_QUOTA);
        return new HubUnderTest(
                home.resolve("hub/target/fieldhub-exec.jar"),
                data,
                log,
                mail.getSmtp().getPort(),
                System.getProperty("heap", "1g"),
                hubSettings);
    }
}
