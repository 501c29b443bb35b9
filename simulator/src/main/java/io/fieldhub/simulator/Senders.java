package io.fieldhub.simulator;

import io.fieldhub.simulator.pacing.NanoClock;
import io.fieldhub.simulator.pacing.Schedule;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The threads that send: a few, each ticking its share of the connections' schedules, rather than a thread per
 * connection (a thousand connections would be a thousand threads waking every tick, and on two cores the
 * simulator would pace nothing). A connection always ticks on the same thread, so its devices' messages leave in
 * order. Each tick starts one connection further on, so that none is always served first when slots are short.
 */
final class Senders {

    private final List<ScheduledExecutorService> threads = new ArrayList<>();

    /** Starts {@code threadCount} sender threads (at most one per schedule), the schedules dealt over them. */
    Senders(List<Schedule> schedules, int threadCount, NanoClock clock) {
        int count = Math.max(1, Math.min(threadCount, schedules.size()));
        for (int t = 0; t < count; t++) {
            List<Schedule> share = new ArrayList<>();
            for (int s = t; s < schedules.size(); s += count) {
                share.add(schedules.get(s));
            }
            ScheduledExecutorService thread = Threads.single("simulator-sender-" + (t + 1));
            threads.add(thread);
            Schedule[] turn = share.toArray(Schedule[]::new);
            long[] ticks = {0};
            thread.scheduleAtFixedRate(
                    () -> tickAll(turn, ticks[0]++, clock.nanoTime()),
                    0,
                    Schedule.TICK.toNanos(),
                    TimeUnit.NANOSECONDS);
        }
    }

    private static void tickAll(Schedule[] schedules, long tick, long nowNanos) {
        int first = (int) (tick % schedules.length);
        for (int i = 0; i < schedules.length; i++) {
            schedules[(first + i) % schedules.length].tick(nowNanos);
        }
    }

    /** Lets the ticks in progress finish; no new one starts. */
    void finish() throws InterruptedException {
        Threads.finish(threads);
    }

    void stopNow() {
        threads.forEach(ScheduledExecutorService::shutdownNow);
    }
}
