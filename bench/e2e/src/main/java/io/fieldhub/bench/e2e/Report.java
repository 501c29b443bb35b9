package io.fieldhub.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes one benchmark run to bench/results/: its tables (e2e-TIME.md) and its figures (e2e-TIME.json). */
final class Report {

    private static final String METHOD = """
            Method: the simulator publishes QoS 1 JSON readings over MQTT 5, always with the same fleet (settings
            below). The ceiling is the hub's broker path minus the hub: the same embedded broker and intake
            extension, whose route answers each PUBACK at once without storing. "Broker alone, subscriber" is a
            plain broker with a persistent subscriber that only counts. The hub runs as `java -jar` on embedded
            defaults (broker, PostgreSQL, S3, email to a local SMTP sink) at rising rates. A step *keeps up* when
            at least 95 % of the offered rate is acked and everything is stored within 10 s of the end. Latency is
            device send time (`ts`) to row written (`stored_at`) and, for the reading that opens an alert, to its
            email accepted by SMTP. The archive columns count (deviceId, messageId) pairs in every archived object.
            """;

    static final String METHOD_PEER = """
            The peer is what a user would pick instead: Mosquitto (Debian package, defaults, no persistence) and
            Node-RED (npm) subscribed at QoS 1 with a clean session, writing a PostgreSQL table without a unique key
            through one pg pool of 10 connections, with one INSERT per message (the usual flow) or 500-row batches
            every 100 ms (bench/nodered). The same simulator and fleet drive it. Lost = acked but never stored;
            duplicates = rows minus distinct (device, message) pairs. The kill step kills Node-RED with -9 a third
            of the way in and starts it again at once; FieldHub's kill step does the same to the hub. "FieldHub,
            external Mosquitto" is the hub's subscription intake behind Mosquitto set up as docs/architecture.md
            asks (on disk, a deep queue); its cores are the hub's alone, the peer's Node-RED's and Mosquitto's.
            """;

    private final BrokerCeiling.Result ceiling;
    private final SubscriberReference.Result reference;
    private final List<RampStep.Result> steps;
    private final List<RampStep.Result> external;
    private final List<PeerStep.Result> peer;
    private final List<GatewayStep.Result> gateways;
    private final Map<String, Object> settings;
    private final Instant when = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    Report(
            BrokerCeiling.Result ceiling,
            SubscriberReference.Result reference,
            List<RampStep.Result> steps,
            List<RampStep.Result> external,
            List<PeerStep.Result> peer,
            List<GatewayStep.Result> gateways,
            Map<String, Object> settings) {
        this.external = external;
        this.gateways = gateways;
        this.ceiling = ceiling;
        this.reference = reference;
        this.steps = steps;
        this.peer = peer;
        this.settings = settings;
    }

    static String line(RampStep.Result r) {
        return String.format(
                Locale.ROOT,
                "offered %6d/s  acked %8.0f/s  stored %8.0f/s  drain %5.1f s  "
                        + "SQL p50/p95/p99 %s ms (to hub %s, in hub %s)  new-alert email p50/p99 %s ms (after "
                        + "stored %s)  cores %.2f  heap %d MB  RSS %d MB  sent=%d acked=%d rows=%d archived=%d "
                        + "(duplicates %d, missing %d) alerts raised=%d emailed=%d  %s",
                r.offered(),
                r.ackedRate(),
                r.storedRate(),
                r.drainSeconds(),
                ms(r.sqlLatencyMs(), 0, 1, 2),
                ms(r.toHubMs(), 0, 1, 2),
                ms(r.inHubMs(), 0, 1, 2),
                ms(r.emailLatencyMs(), 0, 2),
                ms(r.emailAfterStoredMs(), 0, 2),
                r.coresUsed(),
                r.heapMb(),
                r.rssMb(),
                r.sent(),
                r.acked(),
                r.rows(),
                r.archive().records(),
                r.archive().duplicates(),
                r.archive().missing(),
                r.raised(),
                r.emailed(),
                r.keptUp() ? "kept up" : "FELL BEHIND");
    }

    static String line(PeerStep.Result r) {
        return String.format(
                Locale.ROOT,
                "%s: offered %6d/s  acked %8.0f/s  stored %8.0f/s  drain %5.1f s  publish -> row p50/p99 %s ms  "
                        + "cores %.2f  sent=%d acked=%d rows=%d lost=%d (%.1f %%) duplicates=%d  %s",
                r.system(),
                r.offered(),
                r.ackedRate(),
                r.storedRate(),
                r.drainSeconds(),
                ms(r.latencyMs(), 0, 2),
                r.coresUsed(),
                r.sent(),
                r.acked(),
                r.rows(),
                r.lost(),
                share(r.lost(), r.acked()),
                r.duplicates(),
                r.keptUp() ? "kept up" : "FELL BEHIND");
    }

    /** FieldHub's ramp and the peer's in one table, the columns both have. */
    static String sideBySide(List<RampStep.Result> hub, List<RampStep.Result> external, List<PeerStep.Result> peer) {
        var md = new StringBuilder(
                "| system | offered msg/s | acked msg/s | stored msg/s | acked but lost "
                        + "| duplicates | publish → row p50 / p99 ms | cores | kept up |\n|---|---|---|---|---|---|---|---|---|\n");
        hubRows(md, "FieldHub, embedded broker", hub);
        hubRows(md, "FieldHub, external Mosquitto (subscription)", external);
        for (PeerStep.Result r : peer) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s%s | %d | %.0f | %.0f | %d (%.1f %%) | %d | %s | %s | %s |%n",
                    r.system(),
                    r.killed() ? ", kill -9 of Node-RED" : "",
                    r.offered(),
                    r.ackedRate(),
                    r.storedRate(),
                    r.lost(),
                    share(r.lost(), r.acked()),
                    r.duplicates(),
                    ms(r.latencyMs(), 0, 2),
                    cores(r.coresUsed()),
                    r.keptUp() ? "yes" : "no"));
        }
        return md.toString();
    }

    private static void hubRows(StringBuilder md, String system, List<RampStep.Result> steps) {
        for (RampStep.Result r : steps) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s%s | %d | %.0f | %.0f | %d (%.1f %%) | %d | %s | %s | %s |%n",
                    system,
                    r.killed() ? ", kill -9 of the hub" : "",
                    r.offered(),
                    r.ackedRate(),
                    r.storedRate(),
                    r.acked() - r.rows(),
                    share(r.acked() - r.rows(), r.acked()),
                    r.archive().duplicates(),
                    ms(r.sqlLatencyMs(), 0, 2),
                    cores(r.coresUsed()),
                    r.keptUp() ? "yes" : "no"));
        }
    }

    private static String cores(double cores) {
        return Double.isNaN(cores) ? "-" : String.format(Locale.ROOT, "%.2f", cores);
    }

    private static double share(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }

    Path writeMarkdown(Path dir) throws IOException {
        var md = new StringBuilder();
        md.append("# End-to-end run ")
                .append(when)
                .append("\n\n")
                .append(METHOD)
                .append('\n');
        md.append("Machine: ")
                .append(machine())
                .append(". Settings: ")
                .append(settings)
                .append(".\n\n");
        md.append(String.format(
                Locale.ROOT,
                "Ceiling (flood): **%.0f msg/s** acked (%d sent). Broker alone, "
                        + "subscriber: published %.0f msg/s, delivered %.0f msg/s (%d sent).%n%n",
                ceiling.ackedRate(),
                ceiling.sent(),
                reference.publishRate(),
                reference.deliveredRate(),
                reference.sent()));
        md.append("The ceiling at the ramp's rates:\n\n| offered msg/s | acked msg/s | PUBACK p50 / p95 / p99 ms "
                + "| kept up |\n|---|---|---|---|\n");
        for (BrokerCeiling.Paced p : ceiling.paced()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %d | %.0f | %s | %s |%n",
                    p.offered(),
                    p.ackedRate(),
                    ms(p.pubackMs(), 0, 1, 2),
                    p.keptUp() ? "yes" : "no"));
        }
        md.append("\nThe hub:\n\n| offered msg/s | acked msg/s | stored msg/s | drain s | SQL p50 / p95 / p99 ms "
                + "| of which device → hub | of which in hub | new-alert email p50 / p99 ms | of which after stored "
                + "| alerts raised = emailed | hub cores | heap MB | RSS MB | sent = acked = rows = archived "
                + "| archive duplicates / missing | kept up |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RampStep.Result r : steps) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %d%s | %.0f | %.0f | %.1f | %s | %s | %s | %s | %s | %d / %d "
                            + "| %s | %d | %d | %d / %d / %d / %d | %d / %d | %s |%n",
                    r.offered(),
                    r.killed() ? ", kill -9 of the hub" : "",
                    r.ackedRate(),
                    r.storedRate(),
                    r.drainSeconds(),
                    ms(r.sqlLatencyMs(), 0, 1, 2),
                    ms(r.toHubMs(), 0, 1, 2),
                    ms(r.inHubMs(), 0, 1, 2),
                    ms(r.emailLatencyMs(), 0, 2),
                    ms(r.emailAfterStoredMs(), 0, 2),
                    r.raised(),
                    r.emailed(),
                    cores(r.coresUsed()),
                    r.heapMb(),
                    r.rssMb(),
                    r.sent(),
                    r.acked(),
                    r.rows(),
                    r.archive().records(),
                    r.archive().duplicates(),
                    r.archive().missing(),
                    r.keptUp() ? "yes" : "no"));
        }
        steps.stream()
                .filter(RampStep.Result::keptUp)
                .max(Comparator.comparingDouble(RampStep.Result::storedRate))
                .ifPresent(best -> md.append(String.format(
                        Locale.ROOT,
                        "%nSustained end to end: **%.0f msg/s**, " + "%.2f of the ceiling.%n",
                        best.storedRate(),
                        best.storedRate() / ceiling.ackedRate())));
        if (!gateways.isEmpty()) {
            md.append("\nGateways (docs/devices.md#gateways), a hub of their own, rates in readings/s:\n\n")
                    .append(GatewayStep.table(gateways));
        }
        md.append("\nThe goals, from this run:\n\n").append(Goals.table(ceiling.ackedRate(), steps, gateways));
        if (!peer.isEmpty() || !external.isEmpty()) {
            md.append("\nFieldHub beside the peer, same run:\n\n")
                    .append(METHOD_PEER)
                    .append('\n')
                    .append(sideBySide(steps, external, peer));
        }
        Path file = dir.resolve(name() + ".md");
        Files.writeString(file, md);
        return file;
    }

    Path writeJson(Path dir) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("when", when.toString());
        json.put("machine", machine());
        json.put("settings", settings);
        json.put("ceiling", ceiling);
        json.put("brokerAloneSubscriber", reference);
        json.put("steps", steps);
        json.put("externalMosquitto", external);
        json.put("peer", peer);
        json.put("gateways", gateways);
        Path file = dir.resolve(name() + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        return file;
    }

    private String name() {
        return "e2e-" + when.toString().replace(":", "");
    }

    private static String machine() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return String.format(
                Locale.ROOT,
                "%d cores, %s %s, Java %s",
                os.getAvailableProcessors(),
                os.getName(),
                os.getVersion(),
                System.getProperty("java.version"));
    }

    static String ms(double[] values, int... which) {
        StringBuilder s = new StringBuilder();
        for (int i : which) {
            s.append(s.length() == 0 ? "" : " / ")
                    .append(i < values.length ? String.format(Locale.ROOT, "%.0f", values[i]) : "-");
        }
        return s.toString();
    }
}
