package io.fieldhub.simulator.pacing;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** Bounds the publishes awaiting their acknowledgement, over all connections. */
public final class InflightLimit {

    private final int max;
    private final Semaphore slots;

    public InflightLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the in-flight limit must be at least 1, was " + max);
        }
        this.max = max;
        this.slots = new Semaphore(max);
    }

    public boolean tryAcquire() {
        return slots.tryAcquire();
    }

    public boolean tryAcquire(Duration wait) throws InterruptedException {
        return slots.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Called when a publish is acknowledged or has failed. */
    public void release() {
        slots.release();
    }

    public int inFlight() {
        return max - slots.availablePermits();
    }

    /** Waits until nothing is in flight: taking every slot succeeds only once all were given back. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        if (!slots.tryAcquire(max, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        slots.release(max);
        return true;
    }
}
