package io.fieldhub.simulator.stats;

import java.io.PrintStream;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Prints a progress line every second on stderr. On a terminal the line is rewritten in place; in a log or a pipe
 * each second gets its own line.
 */
public final class ProgressReporter {

    private final RunStats stats;
    private final PrintStream out;
    private final boolean terminal;
    private long startNanos;
    private long lastNanos;
    private Counts last;
    private int lastWidth;
    private ScheduledFuture<?> task;

    public ProgressReporter(RunStats stats, PrintStream out, boolean terminal) {
        this.stats = stats;
        this.out = out;
        this.terminal = terminal;
    }

    public synchronized void start(ScheduledExecutorService executor, long startNanos) {
        this.startNanos = startNanos;
        this.lastNanos = startNanos;
        this.last = stats.counts();
        task = executor.scheduleAtFixedRate(this::report, 1, 1, TimeUnit.SECONDS);
    }

    /** Prints a last line with the final counts and leaves the cursor on a fresh line. */
    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            report();
            if (terminal) {
                out.println();
            }
            out.flush();
        }
    }

    private synchronized void report() {
        long now = System.nanoTime();
        Counts counts = stats.counts();
        String line = ProgressLine.format(last, counts, (now - lastNanos) / 1e9, (now - startNanos) / 1e9);
        if (terminal) {
            // Pads over the tail of a longer previous line.
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
        last = counts;
        lastNanos = now;
    }
}
