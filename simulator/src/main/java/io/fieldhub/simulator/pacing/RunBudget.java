package io.fieldhub.simulator.pacing;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When a run ends, shared by every connection: after a number of messages, at a deadline, or on {@link #end()}
 * (Ctrl-C), whichever comes first.
 */
public final class RunBudget {

    private final AtomicLong remaining;
    private final long deadlineNanos;
    private final NanoClock clock;
    private final CountDownLatch over = new CountDownLatch(1);

    /**
     * @param count      messages to send in all, or 0 for no limit
     * @param duration   how long to send, or null for no limit
     * @param startNanos when sending starts, the origin of the rate schedules too: a message due exactly at the
     *                   deadline is not sent, so 2 s at 200/s is 400 messages
     */
    public RunBudget(long count, Duration duration, NanoClock clock, long startNanos) {
        this.remaining = new AtomicLong(count > 0 ? count : Long.MAX_VALUE);
        this.deadlineNanos = duration == null ? Long.MAX_VALUE : startNanos + duration.toNanos();
        this.clock = clock;
    }

    /** Claims one message; false once the run is over. */
    public boolean tryClaim() {
        if (isOver()) {
            return false;
        }
        if (deadlineNanos != Long.MAX_VALUE && clock.nanoTime() - deadlineNanos >= 0) {
            end();
            return false;
        }
        long left = remaining.decrementAndGet();
        if (left <= 0) {
            end();
        }
        return left >= 0;
    }

    public boolean isOver() {
        return over.getCount() == 0;
    }

    public void end() {
        over.countDown();
    }

    /** Blocks until the count is spent, the deadline passes or {@link #end()} is called. */
    public void awaitOver() throws InterruptedException {
        if (deadlineNanos == Long.MAX_VALUE) {
            over.await();
        } else {
            over.await(deadlineNanos - clock.nanoTime(), TimeUnit.NANOSECONDS);
        }
        end();
    }
}
