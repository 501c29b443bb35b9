package io.fieldhub.simulator.pacing;

/** As fast as acknowledged: every tick fills the connection's free in-flight slots until the run is over. */
public final class FloodSchedule implements Schedule {

    private final InflightLimit inflight;
    private final RunBudget budget;
    private final Outbox outbox;

    public FloodSchedule(InflightLimit inflight, RunBudget budget, Outbox outbox) {
        this.inflight = inflight;
        this.budget = budget;
        this.outbox = outbox;
    }

    @Override
    public long tick(long nowNanos) {
        return Schedule.send(Long.MAX_VALUE, outbox, inflight, budget);
    }
}
