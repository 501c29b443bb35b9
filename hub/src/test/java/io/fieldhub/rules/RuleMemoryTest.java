package io.fieldhub.rules;

import static io.fieldhub.rules.TestRules.HOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldhub.routes.SettableClock;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How long readings stay in rule memory: as long as the rule set's longest window, and never past the cap. */
class RuleMemoryTest {

    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
    private static final Duration LATENESS = Duration.ofSeconds(30);
    private static final String HEADER = """
            package t
            import io.fieldhub.rules.Reading
            import io.fieldhub.rules.Device
            global io.fieldhub.rules.Alerts alerts
            """;

    private final RuleSetBuilder builder = new RuleSetBuilder(Duration.ofMinutes(15));
    private final SettableClock clock = new SettableClock(T0);
    private RuleEngine engine;

    @AfterEach
    void dispose() {
        if (engine != null) {
            engine.dispose();
        }
    }

    @Test
    void theShippedRulesKeepReadingsForTheirLongestWindowOfTenMinutes() {
        RuleSet shipped = builder.build(RuleSetBuilder.readFolder(Path.of("..", "rules")));

        assertThat(shipped.lookBack()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aReadingLeavesRuleMemoryOnceOlderThanTheLongestWindow() {
        engine = engine(HEADER + """
                rule "Busy"
                when
                    $d : Device()
                    accumulate( Reading( deviceId == $d.id ) over window:time(5m); $n : count(); $n >= 100 )
                then
                    alerts.raise("INFO", "busy", $d);
                end
                """);
        engine.evaluate(reading("m-1", T0));
        engine.evaluate(reading("m-2", T0.plusSeconds(60)));
        assertThat(engine.liveReadings()).isEqualTo(2);

        at(T0.plus(LATENESS).plusSeconds(5 * 60 + 1));
        engine.tick();
        assertThat(engine.liveReadings())
                .as("m-1 is older than 5 minutes by the rule clock")
                .isEqualTo(1);

        at(T0.plus(LATENESS).plusSeconds(6 * 60 + 1));
        engine.tick();
        assertThat(engine.liveReadings()).isZero();
    }

    @Test
    void withoutWindowsNoReadingIsKeptPastItsOwnEvaluation() {
        engine = engine(HEADER + HOT);

        assertThat(engine.evaluate(reading("m-1", T0)))
                .singleElement()
                .satisfies(a -> assertThat(a.ruleId()).isEqualTo("Hot"));
        assertThat(engine.rules().lookBack()).isZero();
        assertThat(engine.liveReadings()).isZero();
    }

    @Test
    void aReadingLaterThanEveryWindowIsEvaluatedThenLetGo() {
        engine = engine(HEADER + """
                rule "Hot in a window"
                when
                    $d : Device()
                    accumulate( $r : Reading( deviceId == $d.id, metric("temperature") > 90.0 ) over window:time(5m);
                                $n : count(); $n >= 1 )
                then
                    alerts.raise("WARNING", "hot lately", $d);
                end
                """ + HOT);

        var raised = engine.evaluate(reading("late", T0.minus(Duration.ofHours(1))));

        assertThat(raised).extracting(a -> a.ruleId()).containsExactly("Hot");
        assertThat(engine.liveReadings()).isZero();
    }

    @Test
    void aWindowLongerThanTheRetentionIsABuildErrorNamingTheRule() {
        assertThatThrownBy(() -> builder.build(Map.of("t/long.drl", (HEADER + """
                rule "Hour average"
                when
                    $d : Device()
                    accumulate( $r : Reading( deviceId == $d.id ) over window:time(1h); $n : count(); $n > 5 )
                then
                    alerts.raise("INFO", "many", $d);
                end
                """).getBytes())))
                .isInstanceOf(RuleBuildException.class)
                .hasMessageContaining("rule \"Hour average\" (PT1H)")
                .hasMessageContaining("hub.rules.retention (PT15M)");
    }

    @Test
    void aLengthWindowIsABuildErrorSinceReadingsLeaveByTime() {
        assertThatThrownBy(() -> builder.build(Map.of("t/length.drl", (HEADER + """
                rule "Last ten"
                when
                    $d : Device()
                    accumulate( $r : Reading( deviceId == $d.id ) over window:length(10); $n : count(); $n > 5 )
                then
                    alerts.raise("INFO", "many", $d);
                end
                """).getBytes())))
                .isInstanceOf(RuleBuildException.class)
                .hasMessageContaining("rule \"Last ten\": window:length is not supported");
    }

    @Test
    void aSilentDeviceIsJudgedEveryMinuteAndReportsOnceAtTenMinutes() {
        engine = engine(HEADER + """
                rule "Silent"
                when
                    $d : Device( minutesSilent == 10 )
                then
                    alerts.raise("WARNING", "silent", $d);
                end
                """);
        engine.evaluate(reading("m-1", T0));
        int fired = 0;
        for (int s = 0; s <= 20 * 60; s++) {
            at(T0.plusSeconds(s));
            fired += engine.tick().size();
            if (s == 10 * 60 + 30) {
                assertThat(fired)
                        .as("the rule clock reached 10 minutes of silence")
                        .isEqualTo(1);
            }
        }

        assertThat(fired).isEqualTo(1);
        engine.evaluate(reading("m-2", T0.plusSeconds(20 * 60)));
        at(T0.plusSeconds(31 * 60));
        assertThat(engine.tick())
                .as("a new silence after the device spoke again")
                .hasSize(1);
    }

    @Test
    void aDeviceTheRegistryDisabledLeavesRuleMemoryAndIsNeverJudgedSilent() {
        engine = engine(HEADER + """
                rule "Busy"
                when
                    $d : Device()
                    accumulate( Reading( deviceId == $d.id ) over window:time(5m); $n : count(); $n >= 100 )
                then
                    alerts.raise("INFO", "busy", $d);
                end
                rule "Silent"
                when
                    $d : Device( minutesSilent == 10 )
                then
                    alerts.raise("WARNING", "silent", $d);
                end
                """);
        engine.evaluate(reading("m-1", T0));
        assertThat(engine.liveReadings()).isEqualTo(1);

        engine.forget("engine-1");

        assertThat(engine.liveReadings()).isZero();
        int fired = 0;
        for (int s = 0; s <= 20 * 60; s += 30) {
            at(T0.plusSeconds(s));
            fired += engine.tick().size();
        }
        assertThat(fired).as("silence alerts for a forgotten device").isZero();
    }

    private RuleEngine engine(String drl) {
        RuleSet rules = builder.build(Map.of("t/rules.drl", drl.getBytes()));
        return new RuleEngine(rules, 1, LATENESS, clock, new SimpleMeterRegistry());
    }

    private void at(Instant hubTime) {
        clock.set(hubTime);
    }

    private static TelemetryRecord reading(String id, Instant ts) {
        return new TelemetryRecord(
                id, "engine-1", ts, ts, Map.of("temperature", 95.0), Map.of("type", "engine"), "trace");
    }
}
