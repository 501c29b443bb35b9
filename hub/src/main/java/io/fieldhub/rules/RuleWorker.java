package io.fieldhub.rules;

import io.fieldhub.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The thread one partition's rules run on, so that a consequence that never returns holds this thread and not the
 * caller's. Work is handed over as a {@link Task}; the caller waits a bounded time ({@link #await}). A worker found
 * stuck is {@link #abandon abandoned}: interrupted (which ends a sleep or a blocking call), and left to end on its
 * own if it ever does, as a daemon thread counted in {@link #stuckThreads()}. Java cannot stop a spinning thread.
 */
final class RuleWorker {

    // Also counts take-over builds left behind in a rule (RuleTakeOver).
    static final AtomicInteger STUCK = new AtomicInteger();

    private final RulePartition partition;
    private final Thread thread;
    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean abandoned = new AtomicBoolean();
    private volatile boolean stopped;
    // The unit of rule work now running (one reading, a tick, a swap): when it counts as stuck (its deadline and a
    // quarter of grace, nanoTime; 0 between units) and the reading it evaluates. Read by waiting callers.
    private volatile long unitDeadline;
    private volatile TelemetryRecord unitReading;
    // When the task now running began (nanoTime, 0 while idle): a worker long on one task (a swap, a rebuild) is
    // behind, and a reading does not wait for it.
    private volatile long taskStartedAt;
    private volatile int liveReadings;

    /** How a wait ended: with the task's value, without it (the task was skipped), or with the worker stuck. */
    enum Ending {
        DONE,
        SKIPPED,
        STUCK
    }

    record Outcome<T>(Ending ending, T value) {}

    /** Work for the partition, run at most once: by the worker, unless a waiting caller claimed it first. */
    static final class Task<T> {
        private final Function<RuleWorker, T> body;
        private final AtomicBoolean claimed = new AtomicBoolean();
        private final CompletableFuture<T> result = new CompletableFuture<>();

        Task(Function<RuleWorker, T> body) {
            this.body = body;
        }

        private void run(RuleWorker worker) {
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            worker.taskStartedAt = System.nanoTime();
            try {
                T value = body.apply(worker);
                worker.liveReadings = worker.partition.liveReadings();
                worker.taskStartedAt = 0;
                result.complete(value);
            } catch (Throwable e) {
                worker.taskStartedAt = 0;
                result.completeExceptionally(e);
            }
        }
    }

    RuleWorker(RulePartition partition, String name) {
        this.partition = partition;
        this.thread = new Thread(this::work, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Rule threads given up on while stuck in a rule and still running, in the whole JVM. */
    static int stuckThreads() {
        return STUCK.get();
    }

    RulePartition partition() {
        return partition;
    }

    /**
     * Runs {@code work} as one unit of rule work about {@code reading} (may be null), due within {@code nanos}. Past
     * that the partition fires no more rules; past a quarter more, the worker is stuck: a chain the partition stopped
     * at its deadline has that long to hand back.
     */
    <T> T unit(TelemetryRecord reading, long nanos, Supplier<T> work) {
        long deadline = System.nanoTime() + nanos;
        partition.deadline(deadline);
        unitReading = reading;
        long stuckAt = deadline + nanos / 4;
        unitDeadline = stuckAt == 0 ? 1 : stuckAt;
        try {
            return work.get();
        } finally {
            unitDeadline = 0;
            unitReading = null;
        }
    }

    <T> Task<T> submit(Function<RuleWorker, T> body) {
        Task<T> task = new Task<>(body);
        queue.add(task);
        if (abandoned.get() || stopped) {
            cancel(task);
        }
        return task;
    }

    /**
     * Waits for {@code task}: up to {@code limit} nanoseconds while it waits its turn, then until the unit running on
     * the worker is due. A task still waiting its turn after {@code limit} is skipped when {@code skippable} (a reading
     * goes on without the rules rather than wait behind a long rebuild); otherwise the wait goes on. A unit past its
     * deadline (and grace) means the worker is stuck. So a skippable task waits at most 2.25 times the limit: once
     * queued, once running.
     */
    <T> Outcome<T> await(Task<T> task, long limit, boolean skippable) {
        long until = System.nanoTime() + limit;
        while (true) {
            try {
                return new Outcome<>(
                        Ending.DONE, task.result.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                long due = unitDeadline;
                long now = System.nanoTime();
                if (overdue()) {
                    return new Outcome<>(Ending.STUCK, null);
                }
                if (skippable && task.claimed.compareAndSet(false, true)) {
                    return new Outcome<>(Ending.SKIPPED, null);
                }
                until = due != 0 ? due : now + limit;
            } catch (CancellationException e) {
                return new Outcome<>(Ending.SKIPPED, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel(task);
                return new Outcome<>(Ending.SKIPPED, null);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }

    /** Whether the task now running began more than {@code nanos} ago. */
    boolean busyLongerThan(long nanos) {
        long started = taskStartedAt;
        return started != 0 && System.nanoTime() - started > nanos;
    }

    /** Whether the unit of rule work now running is past its deadline and grace: the worker is stuck. */
    boolean overdue() {
        long due = unitDeadline;
        return due != 0 && System.nanoTime() - due >= 0;
    }

    /** The rule whose consequence is running now, or null. */
    String runningRule() {
        return partition.runningRule();
    }

    /** The reading the unit running now evaluates, or null. */
    TelemetryRecord unitReading() {
        return unitReading;
    }

    int liveReadings() {
        return liveReadings;
    }

    boolean abandoned() {
        return abandoned.get();
    }

    /** Gives the worker up (once): the tasks waiting are cancelled, the thread interrupted and left to end. */
    boolean abandon() {
        if (!abandoned.compareAndSet(false, true)) {
            return false;
        }
        STUCK.incrementAndGet();
        thread.setName(thread.getName() + "-stuck");
        thread.interrupt();
        cancelWaiting();
        return true;
    }

    /** Ends the thread once the work in hand is done, and disposes of the session. */
    void stop() {
        stopped = true;
        thread.interrupt();
        cancelWaiting();
    }

    private void work() {
        try {
            while (!abandoned.get() && !stopped) {
                queue.take().run(this);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            cancelWaiting();
            partition.dispose();
            if (abandoned.get()) {
                STUCK.decrementAndGet();
            }
        }
    }

    private void cancelWaiting() {
        List<Task<?>> waiting = new ArrayList<>();
        queue.drainTo(waiting);
        waiting.forEach(RuleWorker::cancel);
    }

    private static void cancel(Task<?> task) {
        if (task.claimed.compareAndSet(false, true)) {
            task.result.cancel(false);
        }
    }
}
