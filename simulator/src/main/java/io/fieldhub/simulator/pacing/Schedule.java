package io.fieldhub.simulator.pacing;

import java.time.Duration;

/**
 * Decides how many messages one connection sends at each tick of its sender thread. A sender thread ticks many
 * connections' schedules in turn, so a tick never waits: what cannot go out now waits for a later tick.
 */
public interface Schedule {

    /** How often the sender threads tick. */
    Duration TICK = Duration.ofMillis(5);

    /** Sends what is due at {@code nowNanos}; returns how many were sent. */
    long tick(long nowNanos);

    /**
     * Sends up to {@code atMost} messages, each while the connection has room, an in-flight slot is free and the
     * run's budget allows one more; returns how many were sent.
     */
    static long send(long atMost, Outbox outbox, InflightLimit inflight, RunBudget budget) {
        long sent = 0;
        while (sent < atMost && outbox.ready() && inflight.tryAcquire()) {
            if (!budget.tryClaim()) {
                inflight.release();
                break;
            }
            outbox.sendNext();
            sent++;
        }
        return sent;
    }
}
