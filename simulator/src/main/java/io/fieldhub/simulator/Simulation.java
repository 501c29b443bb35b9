package io.fieldhub.simulator;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import io.fieldhub.simulator.mqtt.BrokerAddress;
import io.fieldhub.simulator.mqtt.Device;
import io.fieldhub.simulator.mqtt.DeviceConnection;
import io.fieldhub.simulator.pacing.FloodSchedule;
import io.fieldhub.simulator.pacing.InflightLimit;
import io.fieldhub.simulator.pacing.NanoClock;
import io.fieldhub.simulator.pacing.PacedSchedule;
import io.fieldhub.simulator.pacing.RunBudget;
import io.fieldhub.simulator.pacing.Schedule;
import io.fieldhub.simulator.pacing.TokenBucket;
import io.fieldhub.simulator.payload.ReadingGenerator;
import io.fieldhub.simulator.stats.AckedLog;
import io.fieldhub.simulator.stats.Latency;
import io.fieldhub.simulator.stats.ProgressReporter;
import io.fieldhub.simulator.stats.RunStats;
import io.fieldhub.simulator.stats.Summary;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One run: connects, sends on every connection until the budget is spent, waits for the outstanding
 * acknowledgements and sums up. A lost connection does not end the run: it comes back by itself (see
 * {@link DeviceConnection}), and a message unacknowledged for {@code --give-up-after} is counted as given up. A few
 * sender threads tick the connections (see {@link Senders}); a progress line goes out every second.
 */
public final class Simulation {

    /** Enough to keep a few thousand connections paced; more would only compete with the broker for the cores. */
    private static final int SENDER_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

    /** How often overdue messages are looked for: a message is given up at most this late. */
    private static final Duration GIVE_UP_CHECK = Duration.ofMillis(250);

    private final SimulationSettings settings;
    private final PrintStream console;
    private final RunStats stats = new RunStats();
    private final InflightLimit inflight;
    private final ProgressReporter progress;
    private volatile boolean stopRequested;
    private volatile RunBudget budget;

    /**
     * @param console  where progress goes (stderr)
     * @param terminal whether the console is a terminal, where the progress line is rewritten in place
     */
    public Simulation(SimulationSettings settings, PrintStream console, boolean terminal) {
        this.settings = settings;
        this.console = console;
        this.inflight = new InflightLimit(settings.maxInflight());
        this.progress = new ProgressReporter(stats, console, terminal);
    }

    private double connectSeconds;

    public Summary run() throws InterruptedException, IOException {
        try (AckedLog ackedLog = settings.ackedOut() != null ? AckedLog.to(settings.ackedOut()) : AckedLog.none()) {
            return run(ackedLog);
        }
    }

    private Summary run(AckedLog ackedLog) throws InterruptedException {
        List<List<Device>> dealt = settings.gateways() > 0
                ? Fleet.behindGateways(settings.devicePrefix(), settings.devices(), settings.gateways())
                : Fleet.deal(settings.devicePrefix(), settings.devices(), settings.connections());
        ScheduledExecutorService resends = Threads.single("simulator-resend");
        List<DeviceConnection> connections = connections(dealt, resends, ackedLog);
        Senders senders = null;
        ScheduledExecutorService reporter = Threads.single("simulator-progress");
        try {
            long connectStart = System.nanoTime();
            Connections.connectAll(connections, settings.url());
            connectSeconds = (System.nanoTime() - connectStart) / 1e9;
            console.println(announcement());
            long startNanos = System.nanoTime();
            long startedAt = System.currentTimeMillis();
            RunBudget runBudget = new RunBudget(settings.count(), settings.duration(), NanoClock.SYSTEM, startNanos);
            budget = runBudget;
            if (stopRequested) {
                runBudget.end();
            }
            List<Schedule> schedules = new ArrayList<>();
            for (int c = 0; c < connections.size(); c++) {
                schedules.add(schedule(connections.get(c), dealt.get(c).size(), runBudget, startNanos));
            }
            senders = new Senders(schedules, SENDER_THREADS, NanoClock.SYSTEM);
            progress.start(reporter, startNanos);
            giveUpOverdue(resends, connections);
            runBudget.awaitOver();
            senders.finish();
            inflight.awaitIdle(settings.drainTimeout());
            long elapsedNanos = System.nanoTime() - startNanos;
            progress.stop();
            return summary(startedAt, elapsedNanos);
        } finally {
            if (senders != null) {
                senders.stopNow();
            }
            reporter.shutdownNow();
            resends.shutdownNow();
            Connections.disconnectAll(connections);
        }
    }

    /** Ends the run early (Ctrl-C): stops sending; {@link #run()} still drains and sums up. */
    public void stop() {
        stopRequested = true;
        RunBudget current = budget;
        if (current != null) {
            current.end();
        }
    }

    /** Every so often, settles the messages that waited {@code --give-up-after} for their PUBACK as given up. */
    private void giveUpOverdue(ScheduledExecutorService executor, List<DeviceConnection> connections) {
        long giveUpNanos = settings.giveUpAfter().toNanos();
        if (giveUpNanos == 0) {
            return;
        }
        executor.scheduleWithFixedDelay(
                () -> {
                    long cutoff = System.nanoTime() - giveUpNanos;
                    connections.forEach(connection -> connection.giveUpSentBefore(cutoff));
                },
                GIVE_UP_CHECK.toMillis(),
                GIVE_UP_CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private List<DeviceConnection> connections(
            List<List<Device>> dealt, ScheduledExecutorService resends, AckedLog ackedLog) {
        SplittableRandom seeds = new SplittableRandom(settings.seed());
        var shared = new DeviceConnection.Shared(
                settings.runId(),
                MqttQos.fromCode(settings.qos()),
                settings.format().encoder(),
                stats,
                inflight,
                resends,
                ackedLog);
        BrokerAddress broker = BrokerAddress.parse(settings.url());
        List<DeviceConnection> connections = new ArrayList<>();
        for (int c = 0; c < dealt.size(); c++) {
            List<Device> devices = dealt.get(c);
            // a device that proves who it is connects alone, with its id as client id (the hub requires both); a
            // gateway is such a device, and speaks for the devices behind it
            boolean asDevice = settings.secrets() != null;
            String clientId = settings.gateways() > 0
                    ? settings.gatewayId(c + 1)
                    : asDevice ? devices.get(0).id() : "fieldhub-sim-" + settings.runId() + "-" + (c + 1);
            String password = asDevice ? settings.secrets().of(clientId) : null;
            connections.add(new DeviceConnection(
                    broker,
                    clientId,
                    password,
                    devices,
                    new ReadingGenerator(seeds.nextLong(), settings.hotShare()),
                    shared,
                    settings.batch()));
        }
        return connections;
    }

    private Schedule schedule(DeviceConnection connection, int devices, RunBudget runBudget, long originNanos) {
        if (settings.rate() == 0) {
            return new FloodSchedule(inflight, runBudget, connection);
        }
        // Each connection's share of the rate follows its share of the devices, so every device sends equally.
        double share = settings.rate() * devices / settings.devices();
        return new PacedSchedule(new TokenBucket(share, originNanos), inflight, runBudget, connection);
    }

    private String announcement() {
        String pace = settings.rate() == 0
                ? "as fast as acknowledged (max " + settings.maxInflight() + " in flight)"
                : String.format(Locale.ROOT, "%s msg/s", trim(settings.rate()));
        String end = settings.count() > 0
                ? settings.count() + " messages"
                : settings.duration() != null
                        ? "for " + settings.duration().toString().substring(2).toLowerCase(Locale.ROOT)
                        : "until Ctrl-C";
        String over = settings.gateways() > 0
                ? settings.gateways() + " gateways (" + settings.batch() + " readings a message)"
                : settings.connections() + " connections";
        return String.format(
                Locale.ROOT,
                "Simulating %d devices over %s to %s, %s, %s, %s, run %s",
                settings.devices(),
                over,
                settings.url(),
                settings.format().name().toLowerCase(Locale.ROOT),
                pace,
                end,
                settings.runId());
    }

    private Summary summary(long startedAt, long elapsedNanos) {
        var counts = stats.counts();
        return new Summary(
                settings.runId(),
                settings.url(),
                settings.devices(),
                settings.connections(),
                settings.format().name().toLowerCase(Locale.ROOT),
                settings.qos(),
                settings.rate(),
                counts.sent(),
                counts.acked(),
                counts.errors(),
                stats.errorsByReason(),
                counts.hot(),
                startedAt,
                System.currentTimeMillis(),
                elapsedNanos / 1e9,
                Latency.of(stats.latency()),
                connectSeconds,
                counts.givenUp(),
                counts.reconnects(),
                counts.resends());
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
