package io.fieldhub.simulator.pacing;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A steady rate: a fixed-rate tick sends what the token bucket has allowed since the last tick. A message that
 * finds the in-flight window full keeps its token for a later tick.
 */
public final class PacedSchedule implements Schedule {

    static final long TICK_MICROS = 5_000;

    private final TokenBucket bucket;
    private final InflightLimit inflight;
    private final RunBudget budget;
    private final Outbox outbox;
    private final NanoClock clock;

    public PacedSchedule(TokenBucket bucket, InflightLimit inflight, RunBudget budget, Outbox outbox,
                         NanoClock clock) {
        this.bucket = bucket;
        this.inflight = inflight;
        this.budget = budget;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Override
    public void start(ScheduledExecutorService executor) {
        executor.scheduleAtFixedRate(() -> tick(clock.nanoTime()), 0, TICK_MICROS, TimeUnit.MICROSECONDS);
    }

    /** Sends what is due at {@code nowNanos}; returns how many were sent. */
    long tick(long nowNanos) {
        long due = bucket.take(nowNanos);
        long sent = 0;
        while (sent < due && inflight.tryAcquire()) {
            if (!budget.tryClaim()) {
                inflight.release();
                break;
            }
            outbox.sendNext();
            sent++;
        }
        bucket.refund(due - sent);
        return sent;
    }
}
