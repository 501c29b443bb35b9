package io.fieldhub.simulator.pacing;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/** As fast as the broker acknowledges: sends whenever an in-flight slot is free, until the run is over. */
public final class FloodSchedule implements Schedule {

    /** How often a sender waiting for a slot looks whether the run has ended meanwhile. */
    private static final Duration RECHECK = Duration.ofMillis(100);

    private final InflightLimit inflight;
    private final RunBudget budget;
    private final Outbox outbox;

    public FloodSchedule(InflightLimit inflight, RunBudget budget, Outbox outbox) {
        this.inflight = inflight;
        this.budget = budget;
        this.outbox = outbox;
    }

    @Override
    public void start(ScheduledExecutorService executor) {
        executor.execute(this::run);
    }

    private void run() {
        try {
            while (!budget.isOver()) {
                if (!inflight.tryAcquire(RECHECK)) {
                    continue;
                }
                if (!budget.tryClaim()) {
                    inflight.release();
                    return;
                }
                outbox.sendNext();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
