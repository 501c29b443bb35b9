package io.fieldhub.simulator.stats;

/**
 * The run's counters at one moment.
 *
 * @param givenUp    unacknowledged after {@code --give-up-after}: no longer awaited
 * @param reconnects connections opened again after they were lost
 * @param resends    publishes sent again with the same messageId (connection lost before the PUBACK, or a PUBACK
 *                   that asked for it again)
 */
public record Counts(long sent, long acked, long errors, long hot, long givenUp, long reconnects, long resends) {

    /** Sent, and neither acknowledged, failed nor given up yet. */
    public long inFlight() {
        return sent - acked - errors - givenUp;
    }
}
