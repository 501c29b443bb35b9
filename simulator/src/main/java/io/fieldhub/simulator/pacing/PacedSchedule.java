package io.fieldhub.simulator.pacing;

/**
 * A steady rate: each tick sends what the token bucket has allowed since the last tick. A message that finds the
 * in-flight window (of the run, or of the connection) full keeps its token for a later tick.
 */
public final class PacedSchedule implements Schedule {

    private final TokenBucket bucket;
    private final InflightLimit inflight;
    private final RunBudget budget;
    private final Outbox outbox;

    public PacedSchedule(TokenBucket bucket, InflightLimit inflight, RunBudget budget, Outbox outbox) {
        this.bucket = bucket;
        this.inflight = inflight;
        this.budget = budget;
        this.outbox = outbox;
    }

    @Override
    public long tick(long nowNanos) {
        long due = bucket.take(nowNanos);
        long sent = Schedule.send(due, outbox, inflight, budget);
        bucket.refund(due - sent);
        return sent;
    }
}
