package io.fieldhub.simulator.pacing;

import java.util.concurrent.ScheduledExecutorService;

/** Drives one connection's sends on that connection's own single thread. */
public interface Schedule {

    void start(ScheduledExecutorService executor);
}
