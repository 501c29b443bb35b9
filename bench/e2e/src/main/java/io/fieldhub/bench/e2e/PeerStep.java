package io.fieldhub.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One rate against the peer: offer it with the simulator, wait until Node-RED has written what it is going to,
 * then count what arrived. The peer's table has no unique key, so rows minus distinct (device, message) pairs are
 * real duplicates, and acked minus distinct pairs are acknowledged messages that were lost.
 */
final class PeerStep {

    /** The figures of one step; {@code killed} when Node-RED was killed with -9 a third of the way in. */
    record Result(
            String system,
            int offered,
            long sent,
            long acked,
            double ackedRate,
            long rows,
            long distinct,
            double storedRate,
            double drainSeconds,
            double[] latencyMs,
            double coresUsed,
            boolean killed) {

        long lost() {
            return acked - distinct;
        }

        long duplicates() {
            return rows - distinct;
        }

        /** The hub's definition: 95 % of the offered rate acked, and every acked message stored within 10 s. */
        boolean keptUp() {
            return ackedRate >= RampStep.KEPT_UP * offered && lost() == 0 && drainSeconds <= 10;
        }
    }

    /** No new row for this long ends the wait for a peer that lost messages. */
    private static final long QUIET_SECONDS = 5;

    private final PeerStack peer;
    private final SimulatorRun simulator;
    private int runs;

    PeerStep(PeerStack peer, SimulatorRun simulator) {
        this.peer = peer;
        this.simulator = simulator;
    }

    Result run(int rate, int seconds, boolean killConsumer) throws Exception {
        String runId = "p" + peer.flow().file + (++runs) + "r" + rate;
        String like = runId + "-%";
        double cpuBefore = peer.cpuSeconds();
        long start = System.nanoTime();
        CompletableFuture<JsonNode> summary =
                simulator.runAsync(runId, peer.mqttUrl(), "--rate", "" + rate, "--duration", seconds + "s");
        if (killConsumer) {
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds / 3));
            peer.killAndRestartConsumer();
        }
        JsonNode figures = summary.get(30, TimeUnit.MINUTES);
        long acked = figures.path("acked").asLong();
        double cores =
                killConsumer ? Double.NaN : (peer.cpuSeconds() - cpuBefore) / ((System.nanoTime() - start) / 1e9);
        double drainSeconds = awaitDrained(like, acked);

        Map<String, Object> rows = peer.jdbc().queryForMap("""
                select count(*) as n, count(distinct (device_id, message_id)) as d,
                       extract(epoch from max(stored_at) - min(ts)) as span,
                       percentile_cont(array[0.5, 0.95, 0.99]) within group
                           (order by extract(epoch from stored_at - ts) * 1000) as p
                from telemetry where message_id like ?""", like);
        long n = ((Number) rows.get("n")).longValue();
        double span = rows.get("span") == null ? 0 : ((Number) rows.get("span")).doubleValue();
        return new Result(
                peer.flow().label,
                rate,
                figures.path("sent").asLong(),
                acked,
                figures.path("ackedRate").asDouble(),
                n,
                ((Number) rows.get("d")).longValue(),
                span > 0 ? n / span : 0,
                drainSeconds,
                RampStep.percentiles(rows.get("p")),
                cores,
                killConsumer);
    }

    /** Seconds from the simulator's end until every acked message is stored, or the last row came. */
    private double awaitDrained(String like, long acked) {
        long end = System.nanoTime();
        long deadline = end + TimeUnit.SECONDS.toNanos(120);
        long lastRows = -1;
        long lastGrowth = end;
        while (System.nanoTime() < deadline) {
            long rows = peer.jdbc()
                    .queryForObject(
                            "select count(distinct (device_id, message_id)) from telemetry where message_id like ?",
                            Long.class,
                            like);
            if (rows != lastRows) {
                lastRows = rows;
                lastGrowth = System.nanoTime();
            }
            if (rows >= acked || System.nanoTime() - lastGrowth > TimeUnit.SECONDS.toNanos(QUIET_SECONDS)) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        return (lastGrowth - end) / 1e9;
    }
}
