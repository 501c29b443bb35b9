package io.fieldhub.bench.e2e;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The throughput goals of the hub on a 2-core machine with the simulator beside it, all stages on (rules, alerts,
 * warm store, archive), checked against one run's figures. The CPU goal is a third of the 150-200 µs a reading the
 * hub used when the goals were set (2026-12): at most 50 µs.
 */
final class Goals {

    private static final int LATENCY_RATE = 5000;
    private static final double MAX_P99_MS = 250;
    private static final double MAX_CPU_MICROS = 50;

    private Goals() {}

    /** A Markdown table: each goal, what the run measured, and whether it is met. */
    static String table(double ceiling, List<RampStep.Result> steps, List<GatewayStep.Result> gateways) {
        var md = new StringBuilder("| goal | measured | met |\n|---|---|---|\n");
        Optional<RampStep.Result> best = steps.stream()
                .filter(r -> r.keptUp() && !r.killed())
                .max(Comparator.comparingDouble(RampStep.Result::storedRate));
        double sustained = best.map(RampStep.Result::storedRate).orElse(0.0);
        row(
                md,
                "single readings: kept up at ≥ 0.9 of this run's ceiling",
                f("%.2f (%.0f of %.0f msg/s)", sustained / ceiling, sustained, ceiling),
                sustained >= 0.9 * ceiling);
        row(md, "single readings: ≥ 12,000 msg/s kept up", f("%.0f msg/s", sustained), sustained >= 12_000);
        Optional<RampStep.Result> at5000 = steps.stream()
                .filter(r -> r.offered() == LATENCY_RATE && !r.killed())
                .findFirst();
        row(
                md,
                "p99 publish → row ≤ 250 ms at 5,000 msg/s",
                at5000.map(r -> p99(r.sqlLatencyMs())).orElse("no 5,000 msg/s step"),
                at5000.filter(r -> p99Within(r.sqlLatencyMs())).isPresent());
        row(
                md,
                "p99 publish → alert email ≤ 250 ms at 5,000 msg/s",
                at5000.map(r -> p99(r.emailLatencyMs())).orElse("no 5,000 msg/s step"),
                at5000.filter(r -> p99Within(r.emailLatencyMs())).isPresent());
        double micros = at5000.filter(r -> r.storedRate() > 0)
                .map(r -> r.coresUsed() * 1e6 / r.storedRate())
                .orElse(Double.NaN);
        row(
                md,
                "hub CPU ≤ 50 µs a reading (a third of 150-200 µs), at 5,000 msg/s",
                Double.isNaN(micros) ? "no 5,000 msg/s step" : f("%.0f µs", micros),
                micros <= MAX_CPU_MICROS);
        gatewayRow(
                md,
                "gateway batches: ≥ 50,000 readings/s over 10 connections",
                gateways,
                g -> g.gateways() == 10,
                50_000);
        gatewayRow(
                md, "gateway batches: ≥ 20,000 readings/s over 1 connection", gateways, g -> g.gateways() == 1, 20_000);
        return md.toString();
    }

    private static void gatewayRow(
            StringBuilder md,
            String goal,
            List<GatewayStep.Result> steps,
            Predicate<GatewayStep.Result> which,
            int at) {
        double best = steps.stream()
                .filter(which)
                .filter(GatewayStep.Result::keptUp)
                .mapToDouble(GatewayStep.Result::storedRate)
                .max()
                .orElse(0);
        boolean measured = steps.stream().anyMatch(which);
        row(md, goal, measured ? f("%.0f readings/s", best) : "not measured", best >= at);
    }

    private static String p99(double[] ms) {
        return ms.length > 2 ? String.format(Locale.ROOT, "%.0f ms", ms[2]) : "none";
    }

    private static boolean p99Within(double[] ms) {
        return ms.length > 2 && ms[2] <= MAX_P99_MS;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    private static void row(StringBuilder md, String goal, String measured, boolean met) {
        md.append("| ")
                .append(goal)
                .append(" | ")
                .append(measured)
                .append(" | ")
                .append(met ? "yes" : "no")
                .append(" |\n");
    }
}
