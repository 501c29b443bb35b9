package io.fieldhub.simulator.stats;

/** The run's counters at one moment. */
public record Counts(long sent, long acked, long errors, long hot) {

    /** Sent, and neither acknowledged nor failed yet. */
    public long inFlight() {
        return sent - acked - errors;
    }
}
