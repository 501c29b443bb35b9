package io.fieldhub.rules.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fieldhub.rules.CpuBudget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;

/**
 * Any text saved as a rule file gets a verdict from the {@link RulePolicy}: a list of violations, each naming the
 * file, a line and a reason (empty when allowed), within {@link CpuBudget}. An exception that escapes fails the input:
 * the rule build would then fail with a stack trace instead of the author's line. Inputs (and every crash found)
 * are in {@code src/test/resources/io/fieldhub/rules/policy/RulePolicyFuzzTestInputs/check}; how the budget is
 * measured, and why it is wider while fuzzing: {@link CpuBudget}.
 */
class RulePolicyFuzzTest {

    static final String FILE = "acme/fuzzed.drl";

    static final RulePolicy POLICY = new RulePolicy();

    @FuzzTest
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void check(byte[] drl) {
        CpuBudget.assertWithin("check " + drl.length + " bytes", () -> checkOnce(drl));
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
