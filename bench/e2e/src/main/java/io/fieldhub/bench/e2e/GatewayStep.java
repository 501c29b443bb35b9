package io.fieldhub.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench/run}'s gateway steps: the simulator's gateway mode at one rate of readings, each gateway one
 * connection publishing batches for its devices on {@code gateways/{id}/telemetry} (docs/devices.md#gateways). A
 * PUBACK means every reading of the batch is stored, so acked readings = batches acked x batch size = rows, each
 * archived once.
 */
final class GatewayStep {

    /** One rate's figures; rates are readings per second, {@code cores} the hub's. */
    record Result(
            int gateways,
            int batch,
            int offered,
            long readingsAcked,
            double ackedRate,
            long rows,
            ArchiveCount.Figures archive,
            double storedRate,
            double drainSeconds,
            double[] sqlLatencyMs,
            double coresUsed,
            double cpuMicrosPerReading,
            boolean keptUp) {

        boolean countsHold() {
            return readingsAcked == rows
                    && archive.records() == rows
                    && archive.duplicates() == 0
                    && archive.missing() == 0;
        }
    }

    private final HubUnderTest hub;
    private final SimulatorRun simulator;
    private final ArchiveCount archive;
    private final int gateways;
    private final int batch;
    private int runs;

    /** Registers the devices behind the gateways, then measures them on the hub's embedded broker. */
    GatewayStep(HubUnderTest hub, SimulatorRun.Gateways fleet) throws Exception {
        this.hub = hub;
        this.simulator = fleet.simulator();
        this.gateways = fleet.gateways();
        this.batch = fleet.batch();
        this.archive = new ArchiveCount(hub.s3(), HubUnderTest.BUCKET);
        hub.importDevices(fleet.prefix(), fleet.gateways(), fleet.perGateway());
    }

    Result run(int readingsPerSecond, int seconds) throws Exception {
        String runId = "g" + gateways + "s" + (++runs) + "r" + readingsPerSecond;
        double cpuBefore = hub.cpuSeconds();
        long start = System.nanoTime();
        double messagesPerSecond = (double) readingsPerSecond / batch;
        JsonNode summary = simulator
                .runAsync(runId, hub.mqttUrl(), "--rate", "" + messagesPerSecond, "--duration", seconds + "s")
                .get(30, TimeUnit.MINUTES);
        long acked = summary.path("acked").asLong() * batch;
        long simulatorEnd = System.nanoTime();
        String like = runId + "-%";
        RampStep.awaitUpTo(120, () -> rows(like) >= acked);
        double drainSeconds = (System.nanoTime() - simulatorEnd) / 1e9;
        double cpu = hub.cpuSeconds() - cpuBefore;
        double cores = cpu / ((System.nanoTime() - start) / 1e9);
        RampStep.awaitArchived(hub, like);
        Map<String, Object> rows = hub.jdbc().queryForMap("""
                select count(*) as n,
                       extract(epoch from max(stored_at) - min(received_at)) as span,
                       percentile_cont(array[0.5, 0.95, 0.99]) within group
                           (order by extract(epoch from stored_at - ts) * 1000) as p
                from telemetry where message_id like ?""", like);
        long n = ((Number) rows.get("n")).longValue();
        double span = rows.get("span") == null ? 0 : ((Number) rows.get("span")).doubleValue();
        double ackedRate = summary.path("ackedRate").asDouble() * batch;
        return new Result(
                gateways,
                batch,
                readingsPerSecond,
                acked,
                ackedRate,
                n,
                archive.take(runId, acked),
                span > 0 ? n / span : 0,
                drainSeconds,
                RampStep.percentiles(rows.get("p")),
                cores,
                n > 0 ? cpu * 1e6 / n : Double.NaN,
                ackedRate >= RampStep.KEPT_UP * readingsPerSecond && drainSeconds <= 10);
    }

    private long rows(String like) {
        return RampStep.count(hub, "select count(*) from telemetry where message_id like ?", like);
    }

    static String line(Result r) {
        return String.format(
                Locale.ROOT,
                "%d gateways x %d readings: offered %6d readings/s  acked %8.0f/s  stored %8.0f/s  drain %5.1f s  "
                        + "p50/p95/p99 %s ms  cores %.2f  acked=%d rows=%d archived=%d (duplicates %d, missing %d)"
                        + "  %s",
                r.gateways(),
                r.batch(),
                r.offered(),
                r.ackedRate(),
                r.storedRate(),
                r.drainSeconds(),
                Report.ms(r.sqlLatencyMs(), 0, 1, 2),
                r.coresUsed(),
                r.readingsAcked(),
                r.rows(),
                r.archive().records(),
                r.archive().duplicates(),
                r.archive().missing(),
                r.keptUp() ? "kept up" : "fell behind");
    }

    /** The gateway steps as a Markdown table. */
    static String table(List<Result> steps) {
        StringBuilder md = new StringBuilder(
                "| gateways x readings a message | offered readings/s | acked readings/s | stored readings/s "
                        + "| drain s | publish → row p50 / p95 / p99 ms | hub cores | µs CPU a reading "
                        + "| acked = rows = archived | archive duplicates / missing | kept up |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : steps) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %d x %d | %d | %.0f | %.0f | %.1f | %s | %.2f | %.0f | %d / %d / %d | %d / %d | %s |%n",
                    r.gateways(),
                    r.batch(),
                    r.offered(),
                    r.ackedRate(),
                    r.storedRate(),
                    r.drainSeconds(),
                    Report.ms(r.sqlLatencyMs(), 0, 1, 2),
                    r.coresUsed(),
                    r.cpuMicrosPerReading(),
                    r.readingsAcked(),
                    r.rows(),
                    r.archive().records(),
                    r.archive().duplicates(),
                    r.archive().missing(),
                    r.keptUp() ? "yes" : "no"));
        }
        return md.toString();
    }
}
