package io.fieldhub.simulator.cli;

import io.fieldhub.simulator.Simulation;
import io.fieldhub.simulator.SimulationSettings;
import io.fieldhub.simulator.SimulatorException;
import io.fieldhub.simulator.payload.PayloadFormat;
import io.fieldhub.simulator.stats.Summary;
import io.fieldhub.simulator.stats.SummaryJson;
import io.fieldhub.simulator.stats.SummaryText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ./simulate}: simulated engines publishing telemetry to FieldHub over MQTT 5. */
@Command(
        name = "simulate",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Simulated engines that publish telemetry to FieldHub over MQTT 5, each to its own topic "
                    + "devices/{deviceId}/telemetry. Progress goes to stderr every second, a summary to stdout at the "
                    + "end. A lost connection comes back with backoff, and unacknowledged messages are sent again "
                    + "with the same messageId. The exit code is 0 only if every message was acknowledged "
                    + "without error.",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  Demo, against a hub started with ./mvnw -pl hub -am spring-boot:run:",
            "    ./simulate --devices 100 --rate 50",
            "  Load, as fast as the broker acknowledges, summary for a script:",
            "    ./simulate --rate 0 --devices 800 --count 200000 --json-summary run.json",
            "  Gateways, each publishing 20 readings of its 50 devices per message:",
            "    ./simulate --gateways 4 --devices-per-gateway 50 --batch 20 --rate 10 --group-key KEY"
        })
public final class SimulateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @Option(
            names = "--url",
            defaultValue = "tcp://localhost:1883",
            paramLabel = "URL",
            description = "Broker, by default ${DEFAULT-VALUE} (scheme ssl for TLS).")
    String url;

    @Option(names = "--devices", defaultValue = "10", paramLabel = "N", description = "Devices (default: 10).")
    int devices;

    @Option(
            names = "--gateways",
            defaultValue = "0",
            paramLabel = "N",
            description = "Put the devices behind N gateways <device-prefix>-gw-1..N, one connection each, that "
                    + "publish batches on gateways/{gatewayId}/telemetry; the hub must list each gateway in its "
                    + "devices' via (docs/devices.md#gateways). Devices are then N x --devices-per-gateway, "
                    + "PREFIX-1..M behind the first gateway and so on (default: 0, no gateways).")
    int gateways;

    @Option(
            names = "--devices-per-gateway",
            defaultValue = "10",
            paramLabel = "M",
            description = "With --gateways: devices behind each gateway (default: 10).")
    int devicesPerGateway;

    @Option(
            names = "--batch",
            defaultValue = "10",
            paramLabel = "K",
            description = "With --gateways: readings per gateway message, of its devices in turn; --rate and --count "
                    + "count messages (default: 10).")
    int batch;

    @Option(
            names = "--credentials",
            paramLabel = "FILE",
            description = "deviceId,secret lines (e.g. the hub's data/demo-fleet.csv): each device connects as itself.")
    Path credentials;

    @Option(
            names = "--group-key",
            paramLabel = "KEY",
            description = "An enrollment group's key: each device connects with the key derived from it for its id.")
    String groupKey;

    @Option(
            names = "--connections",
            paramLabel = "C",
            description = "MQTT connections the devices are spread over (default: min(devices, 8)).")
    Integer connections;

    @Option(
            names = "--rate",
            defaultValue = "10",
            paramLabel = "R",
            description = "Messages per second over all devices; 0 = as fast as acknowledged (default: 10).")
    double rate;

    @Option(
            names = "--max-inflight",
            defaultValue = "1000",
            paramLabel = "N",
            description = "Publishes awaiting acknowledgement, over all connections (default: 1000). Each "
                    + "connection also keeps at most 32 awaiting acknowledgement.")
    int maxInflight;

    @Option(
            names = "--duration",
            converter = DurationConverter.class,
            paramLabel = "TIME",
            description = "Stop after this long, e.g. 30s, 5m (default: until Ctrl-C).")
    Duration duration;

    @Option(
            names = "--count",
            defaultValue = "0",
            paramLabel = "N",
            description = "Stop after this many messages in all (default: until Ctrl-C).")
    long count;

    @Option(
            names = "--format",
            defaultValue = "json",
            paramLabel = "json|frame",
            description = "JSON, or the binary engine-v1 frame (default: json).")
    PayloadFormat format;

    @Option(
            names = "--hot-share",
            defaultValue = "0.01",
            paramLabel = "SHARE",
            description = "Share of readings above 90 degrees, which raise alerts (default: 0.01).")
    double hotShare;

    @Option(
            names = "--device-prefix",
            defaultValue = "engine",
            paramLabel = "PREFIX",
            description = "Device ids are PREFIX-1 .. PREFIX-N (default: engine).")
    String devicePrefix;

    @Option(
            names = "--run-id",
            paramLabel = "ID",
            description = "Prefix of every messageId, <run-id>-<deviceId>-<seq> (default: a random short id).")
    String runId;

    @Option(names = "--qos", defaultValue = "1", paramLabel = "0|1|2", description = "MQTT QoS (default: 1).")
    int qos;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the readings, for a repeatable run.")
    Long seed;

    @Option(names = "--json-summary", paramLabel = "FILE", description = "Also write the summary as JSON.")
    Path jsonSummary;

    @Option(
            names = "--acked-out",
            paramLabel = "FILE",
            description = "Also write one deviceId,messageId line per message the broker acknowledged with 0x00.")
    Path ackedOut;

    @Option(
            names = "--drain-timeout",
            defaultValue = "30s",
            converter = DurationConverter.class,
            paramLabel = "TIME",
            description = "At the end, wait this long for outstanding acks (default: 30s).")
    Duration drainTimeout;

    @Option(
            names = "--give-up-after",
            defaultValue = "2m",
            converter = DurationConverter.ZeroAllowed.class,
            paramLabel = "TIME",
            description = "Count a message as given up when it is still unacknowledged this long after its first "
                    + "send, across reconnects and resends; 0 = never (default: 2m).")
    Duration giveUpAfter;

    /** The command line, as {@link io.fieldhub.simulator.Main} and in-process callers run it. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new SimulateCommand()).setCaseInsensitiveEnumValuesAllowed(true);
        // A wrong option gets one line and a pointer, not the whole help.
        return commandLine.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println(e.getMessage() + " (see --help)");
            return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
        });
    }

    @Override
    public Integer call() throws Exception {
        SimulationSettings settings = new SettingsCheck(this).settings();
        Simulation simulation = new Simulation(settings, System.err, Terminal.isStderrTerminal());
        try (StopOnCtrlC ctrlC = new StopOnCtrlC(simulation::stop, settings.drainTimeout())) {
            Summary summary = runOrExplain(simulation);
            if (summary == null) {
                ctrlC.finished(2);
                return 2;
            }
            System.out.print(SummaryText.format(summary));
            System.out.flush();
            if (jsonSummary != null) {
                writeJson(summary);
            }
            int code = summary.clean() ? 0 : 1;
            ctrlC.finished(code);
            return code;
        }
    }

    private static Summary runOrExplain(Simulation simulation) throws InterruptedException, IOException {
        try {
            return simulation.run();
        } catch (SimulatorException e) {
            System.err.println(e.getMessage());
            return null;
        }
    }

    private void writeJson(Summary summary) throws IOException {
        Path parent = jsonSummary.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(jsonSummary, SummaryJson.format(summary));
    }

    String runIdOrRandom() {
        // Six base-36 characters: short enough to read in a messageId, unlikely to repeat between runs.
        return runId != null
                ? runId
                : Long.toString(
                        ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36 * 36),
                        36);
    }

    long seedOrRandom() {
        return seed != null ? seed : ThreadLocalRandom.current().nextLong();
    }
}
