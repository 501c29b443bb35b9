package io.fieldhub.simulator.pacing;

import java.time.Duration;

/** Time that moves only when a test says so. */
final class FakeClock implements NanoClock {

    private long nanos = 1_000_000_000L;

    @Override
    public long nanoTime() {
        return nanos;
    }

    long advance(Duration by) {
        nanos += by.toNanos();
        return nanos;
    }
}
