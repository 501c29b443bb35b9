package io.fieldhub.rules;

import static io.fieldhub.rules.TestRules.HEADER;
import static io.fieldhub.rules.TestRules.HOT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.rules.scenario.ScenarioResult;
import io.fieldhub.rules.scenario.ScenarioRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario files are found under rules/tests; a malformed one fails with its file and line, never with a throw. */
class ScenarioFileTest {

    static final RuleSet RULES = new RuleSetBuilder(Duration.ofMinutes(15))
            .build(Map.of("t/hot.drl", (HEADER + HOT).getBytes(StandardCharsets.UTF_8)));

    @Test
    void aSchemaErrorFailsOnlyItsScenarioNamingItsLine() {
        List<ScenarioResult> results = run("""
                scenarios:
                  - name: misspelled key
                    readings:
                      - {at: 0s, device: engine-1, metric: {temperature: 95}}
                    expect: []
                  - name: fine
                    readings:
                      - {at: 0s, device: engine-1, metrics: {temperature: 95}}
                    expect:
                      - {rule: Hot, device: engine-1}
                """);

        assertThat(results)
                .extracting(ScenarioResult::scenario, ScenarioResult::passed)
                .containsExactly(Tuple.tuple("misspelled key", false), Tuple.tuple("fine", true));
        assertThat(results.get(0).problems())
                .singleElement()
                .asString()
                .isEqualTo("tests/t.yaml:4: unknown key"
                        + " 'metric' in a reading; the keys are at, device, metrics, tags, ts, id");
    }

    @Test
    void badValuesAreNamedWithTheirLine() {
        assertThat(problem("""
                scenarios:
                  - name: x
                    readings:
                      - {at: 5 minutes, device: engine-1, metrics: {temperature: 95}}
                    expect: []
                """))
                .isEqualTo("tests/t.yaml:4: 'at' must be a duration such as 0s, 90s, 5m or 1h30m, not '5 minutes'");
        assertThat(problem("""
                scenarios:
                  - name: x
                    readings:
                      - {at: 1m, device: engine-1, metrics: {temperature: 95}}
                      - {at: 30s, device: engine-1, metrics: {temperature: hot}}
                    expect: []
                """)).isEqualTo("tests/t.yaml:5: metric 'temperature' must be a number, not 'hot'");
        assertThat(problem("""
                scenarios:
                  - name: x
                    readings:
                      - {at: 1m, device: engine-1, metrics: {temperature: 95}}
                      - {at: 30s, device: engine-1, metrics: {temperature: 95}}
                    expect: []
                """)).startsWith("tests/t.yaml:5: 'at: 30s' is before the step above it (1m)");
        assertThat(problem("""
                scenarios:
                  - name: x
                    readings:
                      - {at: 0s, device: engine-1, metrics: {temperature: 95}}
                """)).startsWith("tests/t.yaml:2: a scenario needs 'expect:'");
        assertThat(problem("""
                scenarios:
                  - name: x
                    readings: []
                    expect:
                      - {rule: Hot, device: engine-1, severity: BAD}
                """)).isEqualTo("tests/t.yaml:5: 'severity' is one of INFO, WARNING, CRITICAL, not 'BAD'");
        assertThat(problem("")).isEqualTo("tests/t.yaml:1: the file is empty; it needs a 'scenarios:' list");
    }

    @Test
    void readsYamlFilesUnderTestsOnly(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("tests/engine"));
        Files.writeString(dir.resolve("tests/a.yaml"), "scenarios: []");
        Files.writeString(dir.resolve("tests/engine/b.yml"), "scenarios: []");
        Files.writeString(dir.resolve("tests/notes.txt"), "not a scenario");
        Files.writeString(dir.resolve("other.yaml"), "scenarios: []");

        assertThat(ScenarioRunner.readFolder(dir).keySet()).containsExactly("tests/a.yaml", "tests/engine/b.yml");
        assertThat(ScenarioRunner.readFolder(dir.resolve("missing"))).isEmpty();
    }

    private static String problem(String yaml) {
        List<ScenarioResult> results = run(yaml);
        assertThat(results).hasSize(1);
        assertThat(results.get(0).passed()).isFalse();
        return results.get(0).problems().get(0);
    }

    private static List<ScenarioResult> run(String yaml) {
        return new ScenarioRunner(Duration.ofSeconds(30))
                .run(RULES, new TreeMap<>(Map.of("tests/t.yaml", yaml.getBytes(StandardCharsets.UTF_8))));
    }
}
