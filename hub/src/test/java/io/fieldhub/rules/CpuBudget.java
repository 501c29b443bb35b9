package io.fieldhub.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * The time limit of a fuzz test's input: 50 ms of the test thread's CPU time, not the clock, so that a busy machine,
 * a GC or the JIT compiler does not count. Only the first inputs of a fresh JVM load classes and run interpreted: an
 * input over the limit is run again and judged by its fastest run, so only an input that is slow every time fails.
 * While fuzzing, Jazzer's coverage instrumentation makes the parsers several times slower ('[' 2000 times in a
 * scenario file: 10 ms plain, 68 ms instrumented), so an input fails there only at ten times the budget; the inputs
 * kept in the resources are held to the budget itself. JAZZER_FUZZ, as Jazzer reads it, says whether it is fuzzing.
 */
public final class CpuBudget {

    static final Duration BUDGET = Duration.ofMillis(50);
    static final Duration LIMIT = System.getenv("JAZZER_FUZZ") != null || System.getProperty("JAZZER_FUZZ") != null
            ? BUDGET.multipliedBy(10)
            : BUDGET;

    /** Tries a slow input again this often, keeping its fastest run. */
    static final int WARM_RUNS = 3;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuBudget() {}

    /** Runs {@code work} (which makes its own assertions) and asserts it kept within the limit. */
    public static void assertWithin(String what, Runnable work) {
        long spent = THREADS.getCurrentThreadCpuTime();
        work.run();
        spent = THREADS.getCurrentThreadCpuTime() - spent;
        for (int run = 0; run < WARM_RUNS && spent > LIMIT.toNanos(); run++) {
            long start = THREADS.getCurrentThreadCpuTime();
            work.run();
            spent = Math.min(spent, THREADS.getCurrentThreadCpuTime() - start);
        }
        assertThat(Duration.ofNanos(spent))
                .as("CPU time to %s, fastest of %d runs", what, WARM_RUNS + 1)
                .isLessThanOrEqualTo(LIMIT);
    }
}
