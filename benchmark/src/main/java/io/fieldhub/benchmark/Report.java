package io.fieldhub.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes one benchmark run: a section appended to BENCHMARKS.md (history kept) and a JSON file. */
final class Report {

    private final BrokerCeiling.Result ceiling;
    private final List<RampStep.Result> steps;
    private final Map<String, Object> settings;
    private final Instant when = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    Report(BrokerCeiling.Result ceiling, List<RampStep.Result> steps, Map<String, Object> settings) {
        this.ceiling = ceiling;
        this.steps = steps;
        this.settings = settings;
    }

    static String line(RampStep.Result r) {
        return String.format(Locale.ROOT, "offered %6d/s  acked %8.0f/s  stored %8.0f/s  drain %5.1f s  "
                        + "SQL p50/p95/p99 %s ms (to hub %s, in hub %s)  new-alert email p50/p99 %s ms (after "
                        + "stored %s)  cores %.2f  "
                        + "heap %d MB  RSS %d MB  "
                        + "sent=%d acked=%d rows=%d distinct=%d archived=%d alerts raised=%d emailed=%d  %s",
                r.offered(), r.ackedRate(), r.storedRate(), r.drainSeconds(), ms(r.sqlLatencyMs(), 0, 1, 2),
                ms(r.toHubMs(), 0, 1, 2), ms(r.inHubMs(), 0, 1, 2), ms(r.emailLatencyMs(), 0, 2),
                ms(r.emailAfterStoredMs(), 0, 2), r.coresUsed(),
                r.heapMb(), r.rssMb(), r.sent(), r.acked(), r.rows(), r.distinctRows(), r.archived(), r.raised(),
                r.emailed(), r.keptUp() ? "kept up" : "FELL BEHIND");
    }

    private RampStep.Result best() {
        return steps.stream().filter(RampStep.Result::keptUp)
                .max(java.util.Comparator.comparingDouble(RampStep.Result::storedRate)).orElse(null);
    }

    void appendTo(Path markdown) throws IOException {
        if (!Files.exists(markdown)) {
            Files.writeString(markdown, """
                    # FieldHub benchmarks

                    Each run of `bench/run` appends a section (newest last); the JSON of each run is in
                    `bench/results/`. Method: the simulator publishes QoS 1 JSON readings over MQTT 5; phase 1 sends
                    them to the hub's embedded broker with a subscriber that only counts (the ceiling); phase 2
                    starts the hub (`java -jar`, embedded broker, PostgreSQL and S3, email to a local SMTP sink) and
                    offers rising rates for a fixed time each. A step *keeps up* when the acked rate is at least 95 %
                    of the offered rate and the hub has stored everything within 10 s of the end. Latency is device
                    send time (`ts`) to row written (`stored_at`), and, for the hot reading that opens an alert, to
                    its email accepted by SMTP (`notification.sent_at`); later hot readings of an open alert
                    update it and send no email. Every alert a step's readings opened must have been emailed.

                    """);
        }
        var md = new StringBuilder();
        md.append("## ").append(when).append("\n\n");
        md.append("Machine: ").append(machine()).append(". Settings: ").append(settings).append(".\n\n");
        md.append(String.format(Locale.ROOT, "Broker ceiling: published %.0f msg/s, delivered to a counting "
                + "subscriber %.0f msg/s (%d sent).%n%n", ceiling.publishRate(), ceiling.deliveredRate(),
                ceiling.sent()));
        if (!ceiling.paced().isEmpty()) {
            md.append("The broker alone at the ramp's rates (no hub; same simulator settings, counting "
                    + "subscriber):\n\n");
            md.append("| offered msg/s | acked msg/s | delivered msg/s | PUBACK p50 / p95 / p99 ms | send → "
                    + "subscriber p50 / p95 / p99 ms | kept up |\n|---|---|---|---|---|---|\n");
            for (BrokerCeiling.Paced p : ceiling.paced()) {
                md.append(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %s | %s | %s |%n", p.offered(),
                        p.ackedRate(), p.deliveredRate(), ms(p.pubackMs(), 0, 1, 2), ms(p.deliveredMs(), 0, 1, 2),
                        p.keptUp() ? "yes" : "no"));
            }
            md.append("\nThe hub:\n\n");
        }
        md.append("| offered msg/s | acked msg/s | stored msg/s | drain s | SQL p50 / p95 / p99 ms | of which "
                + "device → hub | of which in hub | new-alert email p50 / p99 ms | of which after stored | alerts "
                + "raised = emailed | hub cores | heap MB | RSS MB | sent = acked = rows = archived, dups "
                + "| kept up |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RampStep.Result r : steps) {
            md.append(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.1f | %s | %s | %s | %s | %s | %d / %d "
                            + "| %.2f | %d | %d | %d / %d / %d / %d, %d | %s |%n", r.offered(), r.ackedRate(),
                    r.storedRate(), r.drainSeconds(), ms(r.sqlLatencyMs(), 0, 1, 2), ms(r.toHubMs(), 0, 1, 2),
                    ms(r.inHubMs(), 0, 1, 2), ms(r.emailLatencyMs(), 0, 2), ms(r.emailAfterStoredMs(), 0, 2),
                    r.raised(), r.emailed(), r.coresUsed(),
                    r.heapMb(), r.rssMb(), r.sent(), r.acked(), r.rows(), r.archived(), r.rows() - r.distinctRows(),
                    r.keptUp() ? "yes" : "no"));
        }
        RampStep.Result best = best();
        if (best != null) {
            md.append(String.format(Locale.ROOT, "%nSustained end to end: **%.0f msg/s**, %.2f of the broker "
                    + "ceiling.%n", best.storedRate(), best.storedRate() / ceiling.deliveredRate()));
        }
        md.append("\n");
        Files.writeString(markdown, md, StandardOpenOption.APPEND);
    }

    Path writeJson(Path dir) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("when", when.toString());
        json.put("machine", machine());
        json.put("settings", settings);
        json.put("ceiling", ceiling);
        json.put("steps", steps);
        Path file = dir.resolve("e2e-" + when.toString().replace(":", "") + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        return file;
    }

    private static String machine() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return String.format(Locale.ROOT, "%d cores, %s %s, Java %s", os.getAvailableProcessors(), os.getName(),
                os.getVersion(), System.getProperty("java.version"));
    }

    private static String ms(double[] values, int... which) {
        StringBuilder s = new StringBuilder();
        for (int i : which) {
            s.append(s.length() == 0 ? "" : " / ")
                    .append(i < values.length ? String.format(Locale.ROOT, "%.0f", values[i]) : "-");
        }
        return s.toString();
    }
}
