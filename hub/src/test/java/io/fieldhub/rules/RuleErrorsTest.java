package io.fieldhub.rules;

import static io.fieldhub.rules.TestRules.HOT;
import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A rule that throws or loops is recorded and stopped; the reading's other rules still apply. */
class RuleErrorsTest {

    static final String RULES = """
            package acme.broken

            import io.fieldhub.rules.Reading
            global io.fieldhub.rules.Alerts alerts

            """ + HOT + """

            rule "Divides by zero"
            when
                $r : Reading( deviceId == "throw-1" )
            then
                int zero = 0;
                int boom = 1 / zero;
            end

            rule "Never stops"
            when
                $r : Reading( deviceId == "loop-1" )
            then
                update($r);
            end
            """;

    final List<RuleError> errors = new CopyOnWriteArrayList<>();
    RuleEngine engine;

    @BeforeEach
    void build() {
        RuleSet rules = new RuleSetBuilder(Duration.ofMinutes(15))
                .build(Map.of("acme/broken.drl", RULES.getBytes(StandardCharsets.UTF_8)));
        engine = new RuleEngine(rules, 1, Duration.ofSeconds(30), Clock.systemUTC(), new SimpleMeterRegistry());
        engine.limitFirings(50);
        engine.onRuleErrors(errors::addAll);
    }

    @Test
    void aThrowingConsequenceIsRecordedAndTheOtherRulesStillApply() {
        List<RaisedAlert> raised = engine.evaluate(reading("m-1", "throw-1", 95.0));

        assertThat(raised).extracting(RaisedAlert::ruleId).containsExactly("Hot");
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.ruleId()).isEqualTo("Divides by zero");
            assertThat(e.phase()).isEqualTo("consequence");
            assertThat(e.deviceId()).isEqualTo("throw-1");
            assertThat(e.messageId()).isEqualTo("m-1");
            assertThat(e.error()).contains("ArithmeticException");
        });
        assertThat(engine.evaluate(reading("m-2", "engine-1", 95.0)))
                .extracting(RaisedAlert::ruleId)
                .containsExactly("Hot");
        assertThat(errors).hasSize(1);
    }

    @Test
    void aRuleThatReTriggersItselfIsStoppedAtTheBudgetAndTheNextReadingIsFine() {
        engine.evaluate(reading("m-1", "loop-1", 20.0));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.phase()).isEqualTo("budget");
            assertThat(e.deviceId()).isEqualTo("loop-1");
            assertThat(e.error()).contains("50 times");
        });
        assertThat(engine.evaluate(reading("m-2", "engine-1", 95.0)))
                .extracting(RaisedAlert::ruleId)
                .containsExactly("Hot");
    }

    @Test
    void aRebuildSkipsTheReadingsARuleFailsOnAndGoesOn() {
        List<RaisedAlert> raised =
                engine.rebuild(List.of(reading("m-1", "throw-1", 20.0), reading("m-2", "engine-1", 95.0)));

        assertThat(raised).extracting(RaisedAlert::ruleId).containsExactly("Hot");
        assertThat(errors).extracting(RuleError::ruleId).containsExactly("Divides by zero");
    }

    private static TelemetryRecord reading(String messageId, String deviceId, double temperature) {
        Instant ts = Instant.now();
        return new TelemetryRecord(
                messageId, deviceId, ts, ts, Map.of("temperature", temperature), Map.of(), "trace-" + messageId);
    }
}
