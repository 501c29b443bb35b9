package io.fieldhub.simulator.pacing;

/** Where a schedule sends: one connection, publishing for its devices in turn. */
@FunctionalInterface
public interface Outbox {

    /**
     * Publishes the next message. The caller holds an in-flight slot and a claim on the budget for it; the outbox
     * gives the slot back when the publish is acknowledged or fails.
     */
    void sendNext();

    /** Whether one more publish can go out now without holding up the sender thread. */
    default boolean ready() {
        return true;
    }
}
