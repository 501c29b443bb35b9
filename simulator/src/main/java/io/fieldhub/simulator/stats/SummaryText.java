package io.fieldhub.simulator.stats;

import java.util.Locale;
import java.util.Map;

/** The summary as a person reads it at the end of a run. */
public final class SummaryText {

    private SummaryText() {}

    public static String format(Summary s) {
        StringBuilder text = new StringBuilder()
                .append(String.format(
                        Locale.ROOT,
                        "Run %s: %d devices over %d connections to %s, %s, QoS %d%n",
                        s.runId(),
                        s.devices(),
                        s.connections(),
                        s.url(),
                        s.format(),
                        s.qos()))
                .append(line("sent", Long.toString(s.sent())))
                .append(line("acked", Long.toString(s.acked())))
                .append(line("errors", Long.toString(s.errors())));
        for (Map.Entry<String, Long> reason : s.errorsByReason().entrySet()) {
            text.append(line("  " + reason.getKey(), Long.toString(reason.getValue())));
        }
        if (s.givenUp() > 0) {
            text.append(line("given up", Long.toString(s.givenUp())));
        }
        if (s.unacknowledged() > 0) {
            text.append(line("unacknowledged", Long.toString(s.unacknowledged())));
        }
        text.append(line("reconnects", Long.toString(s.reconnects())))
                .append(line("resends", Long.toString(s.resends())));
        Latency l = s.latency();
        return text.append(line("elapsed", String.format(Locale.ROOT, "%.2f s", s.elapsedSeconds())))
                .append(line("acked rate", String.format(Locale.ROOT, "%.1f msg/s", s.ackedRate())))
                .append(line("connect rate", String.format(Locale.ROOT, "%.0f connections/s", s.connectRate())))
                .append(line(
                        "ack latency",
                        String.format(
                                Locale.ROOT,
                                "p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms",
                                l.p50(),
                                l.p95(),
                                l.p99(),
                                l.max())))
                .append(line(
                        "hot readings",
                        String.format(
                                Locale.ROOT,
                                "%d (%.2f%% of sent)",
                                s.hot(),
                                s.sent() == 0 ? 0 : 100d * s.hot() / s.sent())))
                .toString();
    }

    private static String line(String label, String value) {
        return String.format(Locale.ROOT, "  %-16s %s%n", label, value);
    }
}
