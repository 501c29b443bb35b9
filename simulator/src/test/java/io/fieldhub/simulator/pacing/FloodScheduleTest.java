package io.fieldhub.simulator.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Sending as fast as acknowledged: each tick fills what the run's and the connection's windows leave free. */
class FloodScheduleTest {

    private final FakeClock clock = new FakeClock();

    /** A connection that takes up to {@code window} unacknowledged publishes. */
    private static final class WindowedOutbox implements Outbox {
        final int window;
        final AtomicInteger unacked = new AtomicInteger();
        int sent;

        WindowedOutbox(int window) {
            this.window = window;
        }

        @Override
        public void sendNext() {
            unacked.incrementAndGet();
            sent++;
        }

        @Override
        public boolean ready() {
            return unacked.get() < window;
        }

        void ack(InflightLimit inflight, int count) {
            for (int i = 0; i < count; i++) {
                unacked.decrementAndGet();
                inflight.release();
            }
        }
    }

    @Test
    void aTickFillsTheConnectionsWindowAndTheNextRefillsWhatWasAcknowledged() {
        InflightLimit inflight = new InflightLimit(1000);
        WindowedOutbox outbox = new WindowedOutbox(32);
        FloodSchedule schedule = new FloodSchedule(inflight, new RunBudget(0, null, clock, clock.nanoTime()), outbox);

        assertThat(schedule.tick(clock.nanoTime())).isEqualTo(32);
        assertThat(schedule.tick(clock.nanoTime())).isZero();
        outbox.ack(inflight, 5);
        assertThat(schedule.tick(clock.nanoTime())).isEqualTo(5);
        assertThat(inflight.inFlight()).isEqualTo(32);
    }

    @Test
    void connectionsShareTheRunsInflightLimit() {
        InflightLimit inflight = new InflightLimit(50);
        RunBudget budget = new RunBudget(0, null, clock, clock.nanoTime());
        WindowedOutbox first = new WindowedOutbox(32);
        WindowedOutbox second = new WindowedOutbox(32);

        long sent = new FloodSchedule(inflight, budget, first).tick(clock.nanoTime())
                + new FloodSchedule(inflight, budget, second).tick(clock.nanoTime());

        assertThat(sent).isEqualTo(50);
        assertThat(second.sent).isEqualTo(18);
    }

    @Test
    void stopsAtTheCountAndGivesBackTheSlotItDidNotUse() {
        InflightLimit inflight = new InflightLimit(1000);
        WindowedOutbox outbox = new WindowedOutbox(32);
        FloodSchedule schedule = new FloodSchedule(inflight, new RunBudget(10, null, clock, clock.nanoTime()), outbox);

        assertThat(schedule.tick(clock.nanoTime())).isEqualTo(10);
        assertThat(inflight.inFlight()).isEqualTo(10);
    }
}
