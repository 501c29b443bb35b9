package io.fieldhub.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.rules.scenario.ScenarioResult;
import io.fieldhub.rules.scenario.ScenarioRunner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scenario runner passes what the rules do, and fails, saying why and where, on everything else. */
class ScenarioRunnerTest {

    static final String RULES = """
            package t
            import io.fieldhub.rules.Reading
            import io.fieldhub.rules.Device
            global io.fieldhub.rules.Alerts alerts

            rule "Hot"
            when
                $r : Reading( metric("temperature") > 90.0 )
            then
                alerts.raise("CRITICAL", "hot " + $r.getDeviceId(), $r, "temperature", 90.0);
            end

            rule "Quiet"
            when
                $d : Device()
                exists( Reading( deviceId == $d.id ) over window:time(5m) )
                not( Reading( deviceId == $d.id ) over window:time(1m) )
            then
                alerts.raise("WARNING", "quiet " + $d.getId(), $d);
            end

            rule "Broken"
            when
                $r : Reading( has("boom") )
            then
                throw new IllegalStateException("the consequence broke");
            end

            rule "Loops"
            when
                $r : Reading( has("loop") )
            then
                update($r);
            end

            rule "Spins"
            when
                $r : Reading( has("spin") )
            then
                java.time.Instant until = java.time.Instant.now().plusSeconds(6);
                long spins = 0;
                while (java.time.Instant.now().isBefore(until)) {
                    spins++;
                }
            end
            """;

    static RuleSet rules;
    final ScenarioRunner runner = new ScenarioRunner(Duration.ofSeconds(30));

    @BeforeAll
    static void build() {
        rules = new RuleSetBuilder(Duration.ofMinutes(15))
                .build(Map.of("t/rules.drl", RULES.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theExpectedAlertsPass() {
        ScenarioResult result = runOne("""
                scenarios:
                  - name: hot then quiet
                    start: 2026-03-01T10:00:00Z
                    readings:
                      - {at: 0s, device: engine-1, metrics: {temperature: 95}}
                      - {at: 10s, device: engine-1, metrics: {temperature: 96}}
                      - {at: 1m45s}
                    expect:
                      - {rule: Hot, device: engine-1, severity: CRITICAL, count: 2, text: hot engine-1}
                      - {rule: Quiet, device: engine-1, severity: WARNING, count: 1}
                """);

        assertThat(result.passed()).as(result.describe()).isTrue();
        assertThat(result.problems()).isEmpty();
        assertThat(result.scenario()).isEqualTo("hot then quiet");
    }

    @Test
    void anExpectationOnTheWrongDeviceFailsSayingWhatWasExpectedAndWhatFired() {
        ScenarioResult result = runOne("""
                scenarios:
                  - name: wrong device
                    readings:
                      - {at: 0s, device: engine-1, metrics: {temperature: 95}}
                    expect:
                      - {rule: Hot, device: engine-2}
                """);

        assertThat(result.passed()).isFalse();
        assertThat(result.file()).isEqualTo("tests/t.yaml");
        assertThat(result.problems())
                .containsExactly(
                        "tests/t.yaml:6: expected 'Hot' on engine-2 to fire, but it did not",
                        "tests/t.yaml:2: 'Hot' on engine-1 fired once (at 0s, \"hot engine-1\") but was not expected",
                        "expected: 'Hot' on engine-2; fired: 'Hot' on engine-1 CRITICAL once at 0s");
        assertThat(result.describe()).startsWith("tests/t.yaml › wrong device: FAILED\n  - tests/t.yaml:6:");
    }

    @Test
    void anUnexpectedAlertFails() {
        ScenarioResult result = runOne("""
                scenarios:
                  - name: expects nothing
                    readings:
                      - {at: 0s, device: engine-1, metrics: {temperature: 80}}
                      - {at: 2m}
                    expect: []
                """);

        assertThat(result.passed()).isFalse();
        assertThat(result.problems())
                .first()
                .asString()
                .isEqualTo("tests/t.yaml:2: 'Quiet' on engine-1 fired once (at 2m, \"quiet engine-1\") but was not"
                        + " expected");
        assertThat(result.problems())
                .last()
                .asString()
                .isEqualTo("expected: no alert; fired: 'Quiet' on engine-1" + " WARNING once at 2m");
    }

    @Test
    void aWrongCountSeverityOrTextFails() {
        ScenarioResult result = runOne("""
                scenarios:
                  - name: details
                    readings:
                      - {at: 0s, device: engine-1, metrics: {temperature: 95}}
                    expect:
                      - {rule: Hot, device: engine-1, severity: WARNING, count: 2, text: cold}
                """);

        assertThat(result.passed()).isFalse();
        assertThat(result.problems())
                .contains(
                        "tests/t.yaml:6: expected 'Hot' on engine-1 to fire 2 times, but it fired once (at 0s)",
                        "tests/t.yaml:6: expected 'Hot' on engine-1 to be WARNING, but it was CRITICAL",
                        "tests/t.yaml:6: expected the text of 'Hot' on engine-1 to contain \"cold\", but it was"
                                + " \"hot engine-1\"");
    }

    @Test
    void aMisspelledRuleNameIsNamedWithTheClosestRule() {
        ScenarioResult result = runOne("""
                scenarios:
                  - name: typo
                    readings:
                      - {at: 0s, device: engine-1, metrics: {temperature: 95}}
                    expect:
                      - {rule: Hott, device: engine-1}
                """);

        assertThat(result.problems())
                .first()
                .asString()
                .isEqualTo("tests/t.yaml:6: there is no rule named 'Hott' in the rule set (did you mean 'Hot'?)");
    }

    @Test
    void aYamlSyntaxErrorFailsTheFileNamingItsLine() {
        ScenarioResult result = runOne("""
                scenarios:
                  - name: broken
                    readings:
                      - {at: 0s, device: engine-1, metrics: {temperature: 95}
                    expect: []
                """);

        assertThat(result.passed()).isFalse();
        assertThat(result.scenario()).isEqualTo("(file)");
        assertThat(result.problems())
                .singleElement()
                .asString()
                .startsWith("tests/t.yaml:4: not valid YAML:")
                .contains("expected ',' or '}'")
                .doesNotContain("\n");
    }

    @Test
    void aLateReadingCountsAtItsDeviceTime() {
        // Measured at 30s but arriving at 2m: it keeps the device from being quiet until 1m30s by the rule clock.
        ScenarioResult result = runOne("""
                scenarios:
                  - name: late
                    readings:
                      - {at: 0s, device: engine-1, metrics: {temperature: 80}}
                      - {at: 1m15s, device: engine-1, ts: -45s, metrics: {temperature: 80}}
                      - {at: 1m45s}
                      - {at: 2m10s}
                    expect:
                      - {rule: Quiet, device: engine-1, count: 1}
                """);

        assertThat(result.passed()).as(result.describe()).isTrue();
        assertThat(runOne("""
                scenarios:
                  - name: late
                    readings:
                      - {at: 0s, device: engine-1, metrics: {temperature: 80}}
                      - {at: 1m15s, device: engine-1, ts: -45s, metrics: {temperature: 80}}
                      - {at: 1m45s}
                    expect: []
                """).passed()).isTrue();
    }

    @Test
    void aRuleThatThrowsFailsTheScenarioAtItsStep() {
        ScenarioResult result = runOne("""
                scenarios:
                  - name: boom
                    readings:
                      - {at: 0s, device: engine-1, metrics: {temperature: 80}}
                      - {at: 1s, device: engine-1, metrics: {boom: 1}}
                    expect: []
                """);

        assertThat(result.passed()).isFalse();
        assertThat(result.problems())
                .singleElement()
                .asString()
                .startsWith("tests/t.yaml:5: the rules failed on this step:")
                .contains("the consequence broke");
    }

    @Test
    void aRuleThatReTriggersItselfFailsTheScenarioInsteadOfHangingIt() {
        ScenarioResult result = runOne("""
                scenarios:
                  - name: loop
                    readings:
                      - {at: 0s, device: engine-1, metrics: {loop: 1}}
                    expect: []
                """);

        assertThat(result.passed()).isFalse();
        assertThat(result.problems())
                .singleElement()
                .asString()
                .startsWith("tests/t.yaml:4: the rules failed on this step:")
                .contains("(budget)", "1000 times");
    }

    @Test
    void aRuleThatDoesNotReturnFailsTheScenarioAtTheTimeLimitInsteadOfHangingIt() {
        long start = System.nanoTime();
        ScenarioResult result = runOne("""
                scenarios:
                  - name: spin
                    readings:
                      - {at: 0s, device: engine-1, metrics: {spin: 1}}
                    expect: []
                """);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(result.passed()).isFalse();
        assertThat(result.problems())
                .singleElement()
                .asString()
                .startsWith("tests/t.yaml:4: the rules failed on this step:")
                .contains("Spins", "(time)");
    }

    private ScenarioResult runOne(String yaml) {
        List<ScenarioResult> results = run(yaml);
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    private List<ScenarioResult> run(String yaml) {
        return runner.run(rules, new TreeMap<>(Map.of("tests/t.yaml", yaml.getBytes(StandardCharsets.UTF_8))));
    }
}
