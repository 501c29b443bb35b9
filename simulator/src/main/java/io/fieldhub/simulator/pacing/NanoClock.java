package io.fieldhub.simulator.pacing;

/** A monotonic clock in nanoseconds; tests drive pacing with a fake one instead of sleeping. */
@FunctionalInterface
public interface NanoClock {

    NanoClock SYSTEM = System::nanoTime;

    long nanoTime();
}
