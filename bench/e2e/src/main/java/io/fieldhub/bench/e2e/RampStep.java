package io.fieldhub.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Phase 2, one rate: offer it for a while, then check that everything arrived, once, and how fast. Rows are not
 * checked for repeats (telemetry.message_id is unique); the archive is, since S3 has no such key.
 */
final class RampStep {

    /**
     * One step's figures. {@code raised} counts the alerts this step's readings opened (their RAISED transition),
     * {@code emailed} those of them emailed; {@code emailLatencyMs} is device time of the reading that opened an
     * alert to its email accepted by SMTP, {@code emailAfterStoredMs} the part of it after that reading was stored
     * (rules, fan-out, the email outbox and SMTP). Later hot readings of an open alert update it and send no email.
     */
    record Result(
            int offered,
            long sent,
            long acked,
            double ackedRate,
            long rows,
            ArchiveCount.Figures archive,
            long raised,
            long emailed,
            double storedRate,
            double drainSeconds,
            double[] sqlLatencyMs,
            double[] toHubMs,
            double[] inHubMs,
            double[] emailLatencyMs,
            double[] emailAfterStoredMs,
            double coresUsed,
            long heapMb,
            long rssMb,
            boolean keptUp,
            boolean killed) {

        boolean countsHold() {
            return sent == acked
                    && acked == rows
                    && archive.records() == acked
                    && archive.duplicates() == 0
                    && archive.missing() == 0
                    && raised == emailed;
        }
    }

    /**
     * The RAISED transitions of the alerts this run's readings opened. Device ids are the same in every step, so
     * the run is told by the message that opened the alert; alerts a silent device raised (no message) are not
     * counted.
     */
    private static final String RAISED_BY_RUN = """
            from alert_transition t join alert a on a.id = t.alert_id
            left join notification n on n.transition_id = t.id and n.channel = 'email'
            where t.transition = 'RAISED' and a.first_message_id like ?""";

    private final HubUnderTest hub;
    private final SimulatorRun simulator;
    private final ArchiveCount archive;
    private final String deviceUrl;

    /** Devices publish to the hub's embedded broker. */
    RampStep(HubUnderTest hub, SimulatorRun simulator) {
        this(hub, simulator, hub.mqttUrl());
    }

    /** Devices publish to the broker at {@code deviceUrl}, e.g. an external one the hub subscribes to. */
    RampStep(HubUnderTest hub, SimulatorRun simulator, String deviceUrl) {
        this.hub = hub;
        this.simulator = simulator;
        this.deviceUrl = deviceUrl;
        this.archive = new ArchiveCount(hub.s3(), HubUnderTest.BUCKET);
    }

    /** A rate is kept up when at least this share of it is acknowledged. */
    static final double KEPT_UP = 0.95;

    private int runs;

    Result run(int rate, int seconds) throws Exception {
        return run(rate, seconds, false);
    }

    /** {@code killHub}: {@code kill -9} of the hub a third of the way in, and a start right after. */
    Result run(int rate, int seconds, boolean killHub) throws Exception {
        String runId = "s" + (++runs) + "r" + rate;
        double cpuBefore = hub.cpuSeconds();
        long start = System.nanoTime();
        CompletableFuture<JsonNode> run =
                simulator.runAsync(runId, deviceUrl, "--rate", "" + rate, "--duration", seconds + "s");
        if (killHub) {
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds / 3));
            System.out.printf("    kill -9 of the hub; healthy again after %.1f s%n", hub.killAndRestart());
        }
        JsonNode summary = run.get(30, TimeUnit.MINUTES);
        long acked = summary.path("acked").asLong();
        long simulatorEnd = System.nanoTime();
        String like = runId + "-%";
        awaitUpTo(120, () -> count("select count(*) from telemetry where message_id like ?", like) >= acked);
        double drainSeconds = (System.nanoTime() - simulatorEnd) / 1e9;
        double cores = killHub ? Double.NaN : (hub.cpuSeconds() - cpuBefore) / ((System.nanoTime() - start) / 1e9);
        long heap = hub.heapUsedMb();
        long rss = hub.rssMb();
        awaitUpTo(60, () -> count("select count(*) " + RAISED_BY_RUN + " and n.sent_at is null", like) == 0);
        awaitArchived(hub, like);

        Map<String, Object> rows = hub.jdbc().queryForMap("""
                select count(*) as n,
                       extract(epoch from max(stored_at) - min(received_at)) as span,
                       percentile_cont(array[0.5, 0.95, 0.99]) within group
                           (order by extract(epoch from stored_at - ts) * 1000) as p,
                       percentile_cont(array[0.5, 0.95, 0.99]) within group
                           (order by extract(epoch from received_at - ts) * 1000) as broker,
                       percentile_cont(array[0.5, 0.95, 0.99]) within group
                           (order by extract(epoch from stored_at - received_at) * 1000) as hub
                from telemetry where message_id like ?""", like);
        Map<String, Object> alerts = hub.jdbc().queryForMap("""
                select count(*) as n, count(n.sent_at) as e,
                       percentile_cont(array[0.5, 0.95, 0.99]) within group
                           (order by extract(epoch from n.sent_at - a.first_ts) * 1000) as p,
                       percentile_cont(array[0.5, 0.95, 0.99]) within group
                           (order by extract(epoch from n.sent_at - (select m.stored_at from telemetry m
                                                                     where m.device_id = a.device_id
                                                                       and m.message_id = a.first_message_id))
                                     * 1000) as after
                """ + RAISED_BY_RUN, like);
        long n = ((Number) rows.get("n")).longValue();
        double span = rows.get("span") == null ? 0 : ((Number) rows.get("span")).doubleValue();
        System.out.printf(
                "    %d devices connected and authenticated at %.0f connections/s%n",
                summary.path("connections").asInt(), summary.path("connectRate").asDouble());
        boolean keptUp = summary.path("ackedRate").asDouble() >= KEPT_UP * rate && drainSeconds <= 10;
        return new Result(
                rate,
                summary.path("sent").asLong(),
                acked,
                summary.path("ackedRate").asDouble(),
                n,
                archive.take(runId, acked),
                ((Number) alerts.get("n")).longValue(),
                ((Number) alerts.get("e")).longValue(),
                span > 0 ? n / span : 0,
                drainSeconds,
                percentiles(rows.get("p")),
                percentiles(rows.get("broker")),
                percentiles(rows.get("hub")),
                percentiles(alerts.get("p")),
                percentiles(alerts.get("after")),
                cores,
                heap,
                rss,
                keptUp,
                killHub);
    }

    private long count(String sql, String like) {
        return count(hub, sql, like);
    }

    static long count(HubUnderTest hub, String sql, String like) {
        return hub.jdbc().queryForObject(sql, Long.class, like);
    }

    /** Waits up to a minute for the archive watermark to pass every row whose message id is {@code like}. */
    static void awaitArchived(HubUnderTest hub, String like) {
        awaitUpTo(
                60,
                () -> count(
                                hub,
                                "select count(*) from telemetry t, archive_watermark w where w.stream ="
                                        + " 'telemetry' and t.message_id like ? and t.id > w.last_id",
                                like)
                        == 0);
    }

    static double[] percentiles(Object sqlArray) throws java.sql.SQLException {
        if (sqlArray == null) {
            return new double[0];
        }
        Object[] values = (Object[]) ((java.sql.Array) sqlArray).getArray();
        double[] ms = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            ms[i] = values[i] == null ? Double.NaN : ((Number) values[i]).doubleValue();
        }
        return ms;
    }

    static void awaitUpTo(int seconds, BooleanSupplier done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }
}
