package io.fieldhub.rules.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;

/**
 * Any text saved as a rule file gets a verdict from the {@link RulePolicy}: a list of violations, each naming the
 * file, a line and a reason (empty when allowed), within {@link #BUDGET}. An exception that escapes fails the input:
 * the rule build would then fail with a stack trace instead of the author's line. Inputs (and every crash found)
 * are in {@code src/test/resources/io/fieldhub/rules/policy/RulePolicyFuzzTestInputs/check}; how the budget is
 * measured, and why it is wider while fuzzing: {@code ScenarioParserFuzzTest}.
 */
class RulePolicyFuzzTest {

    static final Duration BUDGET = Duration.ofMillis(50);
    static final Duration LIMIT = System.getenv("JAZZER_FUZZ") != null || System.getProperty("JAZZER_FUZZ") != null
            ? BUDGET.multipliedBy(10)
            : BUDGET;
    static final int WARM_RUNS = 3;
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static final String FILE = "acme/fuzzed.drl";

    static final RulePolicy POLICY = new RulePolicy();

    @FuzzTest
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void check(byte[] drl) {
        long spent = THREADS.getCurrentThreadCpuTime();
        checkOnce(drl);
        spent = THREADS.getCurrentThreadCpuTime() - spent;
        for (int run = 0; run < WARM_RUNS && spent > LIMIT.toNanos(); run++) {
            long start = THREADS.getCurrentThreadCpuTime();
            checkOnce(drl);
            spent = Math.min(spent, THREADS.getCurrentThreadCpuTime() - start);
        }
        assertThat(Duration.ofNanos(spent))
                .as("CPU time to check %d bytes, fastest of %d runs", drl.length, WARM_RUNS + 1)
                .isLessThanOrEqualTo(LIMIT);
    }

    private static void checkOnce(byte[] drl) {
        List<PolicyViolation> violations = POLICY.check(Map.of(FILE, drl));
        assertThat(violations).allSatisfy(v -> {
            assertThat(v.file()).isEqualTo(FILE);
            assertThat(v.line()).isNotNegative();
            assertThat(v.message()).isNotBlank();
        });
    }
}
