package io.fieldhub.simulator.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The schedule's tick driven by a fake clock, as its scheduler would drive it every 5 ms. */
class PacedScheduleTest {

    private static final Duration TICK = Schedule.TICK;

    private final FakeClock clock = new FakeClock();
    private final AtomicLong sent = new AtomicLong();
    private final Outbox countingOutbox = sent::incrementAndGet;

    private PacedSchedule schedule(double rate, InflightLimit inflight, RunBudget budget) {
        return new PacedSchedule(new TokenBucket(rate, clock.nanoTime()), inflight, budget, countingOutbox);
    }

    /** Ticks as the scheduler does: at once, then every tick, while before the end. */
    private long runFor(Duration duration, PacedSchedule... schedules) {
        long end = clock.nanoTime() + duration.toNanos();
        for (long now = clock.nanoTime(); now < end; now = clock.advance(TICK)) {
            for (PacedSchedule schedule : schedules) {
                schedule.tick(now);
            }
        }
        return sent.get();
    }

    @Test
    void rate200ForTwoSecondsSends400() {
        RunBudget budget = new RunBudget(0, null, clock, clock.nanoTime());

        long total = runFor(Duration.ofSeconds(2), schedule(200, new InflightLimit(1000), budget));

        assertThat(total).isEqualTo(400);
    }

    @Test
    void rate200SplitOverEightConnectionsByTheirDevicesSends400() {
        RunBudget budget = new RunBudget(0, null, clock, clock.nanoTime());
        InflightLimit inflight = new InflightLimit(1000);
        int[] devicesPerConnection = {13, 13, 13, 13, 12, 12, 12, 12};
        PacedSchedule[] schedules = new PacedSchedule[devicesPerConnection.length];
        for (int c = 0; c < schedules.length; c++) {
            schedules[c] = schedule(200.0 * devicesPerConnection[c] / 100, inflight, budget);
        }

        long total = runFor(Duration.ofSeconds(2), schedules);

        assertThat(total).isBetween(393L, 401L);
    }

    @Test
    void aFullInflightWindowDelaysSendsWithoutLosingThem() {
        InflightLimit inflight = new InflightLimit(10);
        PacedSchedule schedule = schedule(200, inflight, new RunBudget(0, null, clock, clock.nanoTime()));

        assertThat(runFor(Duration.ofMillis(500), schedule)).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            inflight.release();
        }
        assertThat(schedule.tick(clock.nanoTime())).isEqualTo(10);
    }

    @Test
    void aConnectionWithoutRoomKeepsItsTokensForLater() {
        AtomicBoolean ready = new AtomicBoolean(false);
        Outbox busyOutbox = new Outbox() {
            @Override
            public void sendNext() {
                sent.incrementAndGet();
            }

            @Override
            public boolean ready() {
                return ready.get();
            }
        };
        PacedSchedule schedule = new PacedSchedule(
                new TokenBucket(200, clock.nanoTime()),
                new InflightLimit(1000),
                new RunBudget(0, null, clock, clock.nanoTime()),
                busyOutbox);

        assertThat(runFor(Duration.ofMillis(500), schedule)).isZero();
        ready.set(true);
        // Due by 500 ms at 200/s: the one at the origin and one every 5 ms after it.
        assertThat(schedule.tick(clock.nanoTime())).isEqualTo(101);
    }

    @Test
    void stopsAtTheCount() {
        long total = runFor(
                Duration.ofSeconds(2),
                schedule(200, new InflightLimit(1000), new RunBudget(150, null, clock, clock.nanoTime())));

        assertThat(total).isEqualTo(150);
    }

    @Test
    void stopsAtTheDeadline() {
        RunBudget budget = new RunBudget(0, Duration.ofSeconds(1), clock, clock.nanoTime());

        long total = runFor(Duration.ofSeconds(2), schedule(200, new InflightLimit(1000), budget));

        assertThat(total).isEqualTo(200);
        assertThat(budget.isOver()).isTrue();
    }
}
