package io.fieldhub.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fieldhub.rules.scenario.ScenarioResult;
import io.fieldhub.rules.scenario.ScenarioRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The scenarios business users write in {@code rules/tests}, each run as its own test against the shipped rules
 * (with the hub's default lateness and retention), so {@code ./mvnw verify} fails when a rule change breaks one.
 */
class ShippedScenariosTest {

    static final Path RULES = Path.of("..", "rules");

    static RuleSet rules;
    static SortedMap<String, byte[]> scenarios;

    @BeforeAll
    static void buildShippedRules() {
        rules = new RuleSetBuilder(Duration.ofMinutes(15)).build(RuleSetBuilder.readFolder(RULES));
        scenarios = ScenarioRunner.readFolder(RULES);
    }

    @TestFactory
    Stream<DynamicTest> everyShippedScenarioPasses() {
        List<ScenarioResult> results = new ScenarioRunner(Duration.ofSeconds(30)).run(rules, scenarios);
        assertThat(results)
                .as("scenarios in %s", RULES.resolve(ScenarioRunner.TESTS_FOLDER))
                .isNotEmpty();
        return results.stream()
                .map(r -> DynamicTest.dynamicTest(r.file() + " › " + r.scenario(), () -> {
                    if (!r.passed()) {
                        fail(r.describe());
                    }
                }));
    }

    @Test
    void everyShippedRuleIsExpectedBySomeScenario() throws IOException {
        Set<String> expected = new TreeSet<>();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        for (byte[] file : scenarios.values()) {
            for (JsonNode scenario : yaml.readTree(file).path("scenarios")) {
                scenario.path("expect").forEach(e -> expected.add(e.path("rule").asText()));
            }
        }
        Set<String> alerting = new TreeSet<>();
        rules.kieBase()
                .getKiePackages()
                .forEach(p -> p.getRules().stream()
                        // rules that only keep state (a watch) raise nothing, so no scenario can expect them
                        .filter(rule -> !rule.getMetaData().containsKey("bookkeeping"))
                        .forEach(rule -> alerting.add(rule.getName())));

        assertThat(alerting).as("shipped rules").isNotEmpty();
        assertThat(expected)
                .as("rules some scenario in rules/tests expects to fire")
                .containsAll(alerting);
    }

    @Test
    void theShippedRulesUseBothDecisionTableFormats() {
        assertThat(rules.files().keySet())
                .anyMatch(f -> f.endsWith(".drl.csv"))
                .anyMatch(f -> f.endsWith(".drl.xlsx"))
                .contains("fieldhub/engine/engine-overheat.drl");
    }
}
