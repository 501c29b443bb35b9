package io.fieldhub.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldhub.rules.RuleBuildException.BuildError;
import io.fieldhub.rules.deploy.ScenarioGate;
import io.fieldhub.rules.scenario.ScenarioResult;
import io.fieldhub.rules.scenario.ScenarioRunner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hot reload recompiles only the rule files that changed ({@link RuleRebuilds}): its candidates must behave as a full
 * build of the same files, refuse what a full build refuses, and leave the rule sets built before them working.
 * Real Drools on the shipped rules and scenarios.
 */
class RuleRebuildsTest {

    private static final String OVERHEAT = "fieldhub/engine/engine-overheat.drl";
    private static final String HIGH_LOAD = "fieldhub/engine/engine-high-load.drl";

    /** The overheat rule at 85 instead of 90 degrees: a reading of 87 is hot only under the edit. */
    private static final byte[] AT_87 = ("""
            scenarios:
              - name: 87 degrees
                readings:
                  - {at: 0s, device: engine-1, metrics: {temperature: 87}}
                expect:
                  - {rule: Engine overheat, device: engine-1, count: 1}
            """).getBytes(StandardCharsets.UTF_8);

    private static final ScenarioRunner SCENARIOS = new ScenarioRunner(Duration.ofSeconds(30));

    private static SortedMap<String, byte[]> shipped;
    private static SortedMap<String, byte[]> shippedScenarios;

    private final RuleSetBuilder full = new RuleSetBuilder(Duration.ofMinutes(15));
    private final RuleRebuilds rebuilds = new RuleRebuilds(full);

    @BeforeAll
    static void readShippedRules() {
        shipped = RuleSetBuilder.readFolder(ShippedScenariosTest.RULES);
        shippedScenarios = ScenarioRunner.readFolder(ShippedScenariosTest.RULES);
    }

    @Test
    void anEditOfOneFileRecompilesItAloneAndBehavesAsAFullBuild() {
        RuleSet before = rebuilds.build(shipped).rules();
        SortedMap<String, byte[]> edited = edit(shipped, OVERHEAT, "90.0", "85.0");

        RuleRebuilds.Rebuilt rebuilt = rebuilds.build(edited);
        RuleSet reference = full.build(edited);

        assertThat(rebuilt.compiledFiles()).isEqualTo(1);
        assertThat(rebuilt.rules().version()).isEqualTo(reference.version());
        assertThat(ruleNames(rebuilt.rules())).isEqualTo(ruleNames(reference));
        assertThat(rebuilt.rules().clearAfter()).isEqualTo(reference.clearAfter());
        assertThat(rebuilt.rules().lookBack()).isEqualTo(reference.lookBack());
        assertThat(passes(rebuilt.rules(), AT_87))
                .as("the edited rule fires at 87 degrees")
                .isTrue();
        assertThat(passes(reference, AT_87)).isTrue();
        assertThat(outcomes(rebuilt.rules(), shippedScenarios)).isEqualTo(outcomes(reference, shippedScenarios));
        // the rule set built first (the one in force) still runs as it was compiled
        assertThat(passes(before, AT_87))
                .as("the earlier rule set keeps its 90 degrees")
                .isFalse();
        assertThat(SCENARIOS.run(before, shippedScenarios)).allMatch(ScenarioResult::passed);
    }

    @Test
    void rulesThatDeclareNoClassAreRebuiltToo() {
        SortedMap<String, byte[]> alone = new TreeMap<>(Map.of(OVERHEAT, shipped.get(OVERHEAT)));
        rebuilds.build(alone);

        RuleRebuilds.Rebuilt rebuilt = rebuilds.build(edit(alone, OVERHEAT, "90.0", "85.0"));

        assertThat(rebuilt.compiledFiles()).isEqualTo(1);
        assertThat(passes(rebuilt.rules(), AT_87)).isTrue();
    }

    @Test
    void editsOneAfterAnotherStayEqualToFullBuilds() {
        rebuilds.build(shipped);
        SortedMap<String, byte[]> first = edit(shipped, OVERHEAT, "90.0", "85.0");
        rebuilds.build(first);
        SortedMap<String, byte[]> second = edit(first, HIGH_LOAD, "2800.0", "2500.0");
        SortedMap<String, byte[]> removed = new TreeMap<>(second);
        removed.remove(HIGH_LOAD);

        RuleRebuilds.Rebuilt rebuilt = rebuilds.build(second);
        assertThat(rebuilt.compiledFiles()).isEqualTo(1);
        assertThat(outcomes(rebuilt.rules(), shippedScenarios))
                .isEqualTo(outcomes(full.build(second), shippedScenarios));

        RuleRebuilds.Rebuilt withoutHighLoad = rebuilds.build(removed);
        assertThat(withoutHighLoad.compiledFiles()).isEqualTo(1);
        assertThat(ruleNames(withoutHighLoad.rules()))
                .isEqualTo(ruleNames(full.build(removed)))
                .doesNotContain("Engine sustained high load");
    }

    @Test
    void aBrokenEditIsRefusedWithItsFileAndLineAndTheFixBuildsAgain() {
        rebuilds.build(shipped);
        SortedMap<String, byte[]> broken = edit(shipped, OVERHEAT, "then", "thenn");

        assertThatThrownBy(() -> rebuilds.build(broken))
                .isInstanceOfSatisfying(
                        RuleBuildException.class,
                        e -> assertThat(e.errors()).extracting(BuildError::file).contains(OVERHEAT));
        assertThatThrownBy(() -> full.build(broken)).isInstanceOf(RuleBuildException.class);

        SortedMap<String, byte[]> fixed = edit(shipped, OVERHEAT, "90.0", "85.0");
        RuleRebuilds.Rebuilt rebuilt = rebuilds.build(fixed);
        assertThat(passes(rebuilt.rules(), AT_87)).isTrue();
    }

    @Test
    void anEditThatBreaksAnotherFilesRuleIsRefusedAsAFullBuildRefusesIt() {
        rebuilds.build(shipped);
        // a second rule of the same name in another file of the package
        SortedMap<String, byte[]> duplicate = edit(shipped, HIGH_LOAD, "Engine sustained high load", "Engine overheat");

        assertThatThrownBy(() -> full.build(duplicate)).isInstanceOf(RuleBuildException.class);
        assertThatThrownBy(() -> rebuilds.build(duplicate)).isInstanceOf(RuleBuildException.class);
    }

    @Test
    void whatOtherFilesCompileAgainstAndDecisionTablesAreBuiltInFull() {
        rebuilds.build(shipped);
        SortedMap<String, byte[]> withFunction = new TreeMap<>(shipped);
        withFunction.put(
                "fieldhub/engine/limits.drl",
                "package fieldhub.engine\nfunction double hot() { return 85.0; }\n".getBytes(StandardCharsets.UTF_8));
        assertThat(rebuilds.build(withFunction).compiledFiles()).isEqualTo(withFunction.size());

        SortedMap<String, byte[]> table = edit(withFunction, "fieldhub/engine/engine-limits.drl.csv", "3500", "3600");
        assertThat(rebuilds.build(table).compiledFiles()).isEqualTo(table.size());
    }

    @Test
    void aScenarioThatFailsOnTheCandidateStillBlocksIt() {
        rebuilds.build(shipped);
        SortedMap<String, byte[]> edited = edit(shipped, OVERHEAT, "90.0", "99.0");

        List<String> failures =
                new ScenarioGate(SCENARIOS).failures(rebuilds.build(edited).rules(), shippedScenarios);

        assertThat(failures).anyMatch(f -> f.startsWith("tests/engine-overheat.yaml: \"A hot engine raises one"));
    }

    @Test
    void scenariosRunSideBySideReportInFileOrder() {
        List<ScenarioResult> results = SCENARIOS.run(full.build(shipped), shippedScenarios);

        assertThat(results).extracting(ScenarioResult::file).isSorted().containsAll(shippedScenarios.keySet());
        assertThat(results).allMatch(ScenarioResult::passed);
    }

    private static SortedMap<String, byte[]> edit(
            SortedMap<String, byte[]> files, String path, String from, String to) {
        String text = new String(files.get(path), StandardCharsets.UTF_8);
        assertThat(text).contains(from);
        SortedMap<String, byte[]> edited = new TreeMap<>(files);
        edited.put(path, text.replace(from, to).getBytes(StandardCharsets.UTF_8));
        return edited;
    }

    private static boolean passes(RuleSet rules, byte[] scenario) {
        return SCENARIOS.run(rules, new TreeMap<>(Map.of("tests/t.yaml", scenario))).stream()
                .allMatch(ScenarioResult::passed);
    }

    private static List<String> outcomes(RuleSet rules, SortedMap<String, byte[]> scenarios) {
        return SCENARIOS.run(rules, scenarios).stream()
                .map(r -> r.file() + " " + r.scenario() + " " + r.passed())
                .toList();
    }

    private static List<String> ruleNames(RuleSet rules) {
        return rules.kieBase().getKiePackages().stream()
                .flatMap(p -> p.getRules().stream())
                .map(r -> r.getName())
                .sorted()
                .toList();
    }
}
