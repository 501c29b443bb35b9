package io.fieldhub.simulator;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The simulator's own threads: daemons, so that a stuck one never keeps the process alive. */
final class Threads {

    private static final long FINISH_SECONDS = 5;

    private Threads() {}

    static ScheduledExecutorService single(String name) {
        return new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Lets the senders finish the message in hand; periodic ticks end with {@code shutdown()}. */
    static void finish(List<ScheduledExecutorService> executors) throws InterruptedException {
        executors.forEach(ScheduledExecutorService::shutdown);
        for (ScheduledExecutorService executor : executors) {
            executor.awaitTermination(FINISH_SECONDS, TimeUnit.SECONDS);
        }
    }
}
