package io.fieldhub.rules.deploy;

import io.fieldhub.rules.RuleSet;
import io.fieldhub.rules.scenario.ScenarioRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;

/** {@link RuleCheck} by the scenario files in {@code rules/tests}: a candidate must pass every one. */
public final class ScenarioGate implements RuleCheck {

    private final ScenarioRunner runner;

    public ScenarioGate(ScenarioRunner runner) {
        this.runner = runner;
    }

    @Override
    public SortedMap<String, byte[]> scenariosIn(Path rulesDir) {
        return ScenarioRunner.readFolder(rulesDir);
    }

    @Override
    public List<String> failures(RuleSet rules, SortedMap<String, byte[]> scenarios) {
        return runner.run(rules, scenarios).stream()
                .filter(r -> !r.passed())
                .map(r -> r.file() + ": \"" + r.scenario() + "\": " + String.join("; ", r.problems()))
                .toList();
    }
}
