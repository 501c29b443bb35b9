package io.fieldhub.rules;

import static io.fieldhub.rules.TestRules.HOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rule that runs past hub.rules.max-evaluation-time never holds a reading: a consequence that does not return is
 * left behind and quarantined, and the partition goes on with its windows rebuilt from the stored readings.
 */
class RuleTimeLimitTest {

    static final Duration LIMIT = Duration.ofMillis(300);

    // The policy allows no threads nor sleeps in a rule, so a consequence that does not return is a busy loop. It
    // ends after 4 s, so that it does not burn a core for the rest of the test run: to the hub it never returns.
    static final String RULES = """
            package acme.stuck

            import io.fieldhub.rules.Device
            import io.fieldhub.rules.Reading
            global io.fieldhub.rules.Alerts alerts

            """ + HOT + """

            rule "Three hot"
            when
                $d : Device( id == "win-1" )
                accumulate( $x : Reading( deviceId == $d.id, metric("temperature") > 90.0 ) over window:time(10m);
                            $n : count( $x ); $n >= 3 )
            then
                alerts.raise("WARNING", "three hot", $d);
            end

            rule "Spins"
            when
                $r : Reading( deviceId == "spin-1" )
            then
                java.time.Instant until = java.time.Instant.now().plusSeconds(4);
                long spins = 0;
                while (java.time.Instant.now().isBefore(until)) {
                    spins++;
                }
            end

            rule "Never stops"
            when
                $r : Reading( deviceId == "loop-1" )
            then
                update($r);
            end
            """;

    final List<RuleError> errors = new CopyOnWriteArrayList<>();
    final List<TelemetryRecord> stored = new CopyOnWriteArrayList<>();
    RuleEngine engine;

    @BeforeEach
    void build() {
        RuleSet rules = new RuleSetBuilder(Duration.ofMinutes(15))
                .build(Map.of("acme/stuck.drl", RULES.getBytes(StandardCharsets.UTF_8)));
        engine = new RuleEngine(rules, 1, Duration.ofSeconds(30), Clock.systemUTC(), new SimpleMeterRegistry());
        engine.limitTime(LIMIT);
        engine.onRuleErrors(errors::addAll);
        engine.replayFrom(() -> List.copyOf(stored));
    }

    @AfterEach
    void dispose() {
        engine.dispose();
    }

    @Test
    void aConsequenceThatDoesNotReturnIsLeftBehindQuarantinedAndTheReadingsGoOn() {
        assertThat(evaluateAndStore(reading("w-1", "win-1", 95.0)))
                .extracting(RaisedAlert::ruleId)
                .containsExactly("Hot");
        assertThat(evaluateAndStore(reading("w-2", "win-1", 95.0)))
                .extracting(RaisedAlert::ruleId)
                .containsExactly("Hot");

        long start = System.nanoTime();
        assertThat(evaluateAndStore(reading("s-1", "spin-1", 95.0)))
                .as("no alerts from an evaluation that did not end")
                .isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("the reading was given up near the limit, not held until the rule's 4 s loop ended")
                .isLessThan(LIMIT.multipliedBy(8));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.phase()).isEqualTo("time");
            assertThat(e.ruleId()).isEqualTo("Spins");
            assertThat(e.deviceId()).isEqualTo("spin-1");
            assertThat(e.messageId()).isEqualTo("s-1");
            assertThat(e.error()).contains("quarantined");
        });
        assertThat(engine.quarantine().rules()).containsExactly("Spins");
        assertThat(RuleWorker.stuckThreads()).isPositive();

        // Another device of the partition flows, on a fresh session whose windows were rebuilt from stored readings.
        assertThat(evaluateAndStore(reading("e-1", "engine-1", 95.0)))
                .extracting(RaisedAlert::ruleId)
                .containsExactly("Hot");
        assertThat(evaluateAndStore(reading("w-3", "win-1", 95.0)))
                .extracting(RaisedAlert::ruleId)
                .containsExactlyInAnyOrder("Hot", "Three hot");
        // The quarantined rule no longer fires; the others still do, for the same device.
        start = System.nanoTime();
        assertThat(evaluateAndStore(reading("s-2", "spin-1", 95.0)))
                .extracting(RaisedAlert::ruleId)
                .containsExactly("Hot");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LIMIT);
        assertThat(errors).hasSize(1);

        // The thread left behind ends when its consequence does (never, for a real endless loop).
        await().atMost(Duration.ofSeconds(20)).until(() -> RuleWorker.stuckThreads() == 0);
    }

    @Test
    void aDeployEndsTheQuarantine() {
        engine.evaluate(reading("s-1", "spin-1", 20.0));
        assertThat(engine.quarantine().rules()).containsExactly("Spins");

        engine.swap(new RuleSetBuilder(Duration.ofMinutes(15))
                .build(Map.of(
                        "acme/hot.drl",
                        RULES.substring(0, RULES.indexOf("rule \"Three hot\"")).getBytes(StandardCharsets.UTF_8))));

        assertThat(engine.quarantine().rules()).isEmpty();
        assertThat(engine.evaluate(reading("s-2", "spin-1", 95.0)))
                .extracting(RaisedAlert::ruleId)
                .containsExactly("Hot");
        await().atMost(Duration.ofSeconds(20)).until(() -> RuleWorker.stuckThreads() == 0);
    }

    @Test
    void readingsDoNotQueueOneLimitEachBehindASwapThatIsStuck() throws Exception {
        // stored before the rules run, so that the partition rebuilt after the time limit surely holds it (else the
        // rebuild may read the stored readings first, and the swap would meet nothing to be stuck on)
        var spin = reading("s-1", "spin-1", 20.0);
        stored.add(spin);
        engine.evaluate(spin);
        assertThat(engine.quarantine().rules()).containsExactly("Spins");
        // The swap ends the quarantine and meets s-1 again in rule memory: it is stuck in the same rule.
        var swap = java.util.concurrent.CompletableFuture.runAsync(() -> engine.swap(engine.rules()));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> engine.quarantine().rules().isEmpty());

        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            evaluateAndStore(reading("e-" + i, "engine-1", 95.0));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("once the rules are behind, a reading does not wait for them (20 limits if each did)")
                .isLessThan(LIMIT.multipliedBy(10));
        swap.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(errors)
                .as("the new session's build, off the lane, was stuck in the rule and left behind")
                .anySatisfy(e -> {
                    assertThat(e.phase()).isEqualTo("time");
                    assertThat(e.ruleId()).isEqualTo("Spins");
                    assertThat(e.error()).contains("on its own thread instead");
                });
        // the lane meets s-1 on its own rule thread, which may still be within the limit when the swap returns
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(engine.quarantine().rules()).containsExactly("Spins"));
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(engine.evaluate(reading("e-last", "engine-1", 95.0)))
                        .extracting(RaisedAlert::ruleId)
                        .containsExactly("Hot"));
        await().atMost(Duration.ofSeconds(20)).until(() -> RuleWorker.stuckThreads() == 0);
    }

    @Test
    void aLongChainOfFiringsIsStoppedAtTheTimeLimitWithoutQuarantine() {
        engine.limitFirings(Integer.MAX_VALUE);

        long start = System.nanoTime();
        assertThat(engine.evaluate(reading("l-1", "loop-1", 20.0))).isEmpty();

        // the chain never ends by itself: stopped, it returns within the limit; the bound leaves room for a busy
        // machine, where a thread may wait hundreds of milliseconds for a core
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(LIMIT.multipliedBy(10));
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.phase()).isEqualTo("time");
            assertThat(e.ruleId()).isEqualTo("Never stops");
            assertThat(e.deviceId()).isEqualTo("loop-1");
            assertThat(e.error()).contains("hub.rules.max-evaluation-time");
        });
        assertThat(engine.quarantine().rules()).isEmpty();
        assertThat(engine.evaluate(reading("e-1", "engine-1", 95.0)))
                .extracting(RaisedAlert::ruleId)
                .containsExactly("Hot");
    }

    private List<RaisedAlert> evaluateAndStore(TelemetryRecord record) {
        List<RaisedAlert> raised = engine.evaluate(record);
        stored.add(record);
        return raised;
    }

    private static TelemetryRecord reading(String messageId, String deviceId, double temperature) {
        Instant ts = Instant.now();
        return new TelemetryRecord(
                messageId, deviceId, ts, ts, Map.of("temperature", temperature), Map.of(), "trace-" + messageId);
    }
}
