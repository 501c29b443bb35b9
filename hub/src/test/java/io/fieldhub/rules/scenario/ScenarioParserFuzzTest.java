package io.fieldhub.rules.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fieldhub.rules.CpuBudget;
import io.fieldhub.rules.scenario.Scenario.Expectation;
import io.fieldhub.rules.scenario.Scenario.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Timeout;

/**
 * Any file in rules/tests reads as the runner reads it: each scenario a {@link Scenario} that keeps the format's
 * invariants, or a {@link ScenarioFormatException} with a reason and a line, within {@link CpuBudget}. Anything else
 * that escapes fails the input. Inputs (and every crash ever found) are in
 * {@code src/test/resources/io/fieldhub/rules/scenario/ScenarioParserFuzzTestInputs/read}.
 */
class ScenarioParserFuzzTest {

    /**
     * The timeout only ends a hang (libFuzzer's limit per input is in whole seconds; the budget is checked apart). In
     * a thread of its own, so that it ends a loop that never looks at its interrupt too.
     */
    @FuzzTest
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void read(byte[] yaml) {
        CpuBudget.assertWithin("read " + yaml.length + " bytes", () -> readOnce(yaml));
    }

    /** As {@link ScenarioRunner} reads a file: the list of scenarios, then each scenario on its own. */
    private static void readOnce(byte[] yaml) {
        List<YamlNode> nodes;
        try {
            nodes = ScenarioParser.scenarioNodes(yaml);
        } catch (ScenarioFormatException e) {
            isDeclared(e);
            return;
        }
        ScenarioParser parser = new ScenarioParser();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            assertThat(ScenarioParser.nameOf(nodes.get(i), i)).isNotBlank();
            try {
                Scenario scenario = parser.scenario(nodes.get(i));
                keepsInvariants(scenario);
                assertThat(names.add(scenario.name())).as("unique name").isTrue();
            } catch (ScenarioFormatException e) {
                isDeclared(e);
            }
        }
    }

    private static void isDeclared(ScenarioFormatException e) {
        assertThat(e.getMessage()).isNotBlank();
        assertThat(e.line()).as("line of: %s", e.getMessage()).isPositive();
    }

    /** What the runner relies on when it plays a scenario and compares what fired. */
    private static void keepsInvariants(Scenario scenario) {
        assertThat(scenario.name()).isNotBlank();
        assertThat(scenario.line()).isPositive();
        Duration last = Duration.ZERO;
        for (Step step : scenario.steps()) {
            assertThat(step.at()).isGreaterThanOrEqualTo(last);
            last = step.at();
            assertThat(step.line()).isPositive();
            if (step.isReading()) {
                assertThat(step.device()).isNotBlank();
                assertThat(step.messageId()).isNotBlank();
                assertThat(step.metrics()).isNotEmpty();
                Instant hubTime = scenario.start().plus(step.at());
                assertThat(step.record(hubTime).ts()).isEqualTo(hubTime.plus(step.deviceTime()));
            } else {
                assertThat(scenario.start().plus(step.at())).isAfterOrEqualTo(scenario.start());
            }
        }
        Set<String> keys = new HashSet<>();
        for (Expectation e : scenario.expectations()) {
            assertThat(e.rule()).isNotBlank();
            assertThat(e.device()).isNotBlank();
            assertThat(e.severity()).isIn(null, "INFO", "WARNING", "CRITICAL");
            assertThat(e.count() == null || e.count() >= 1)
                    .as("count of 1 or more")
                    .isTrue();
            assertThat(e.line()).isPositive();
            assertThat(keys.add(e.key()))
                    .as("one expectation per rule and device")
                    .isTrue();
        }
    }
}
