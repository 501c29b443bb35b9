package io.fieldhub.rules;

import static io.fieldhub.rules.TestRules.HEADER;
import static io.fieldhub.rules.TestRules.HOT;
import static io.fieldhub.rules.TestRules.T0;
import static io.fieldhub.rules.TestRules.hot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.routes.SettableClock;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An edit of DRL files changes the rule base in force in place: the lanes keep their sessions and what their windows
 * hold, the changed rules see it at once, and the rules that did not change do not fire again.
 */
class RuleUpdateTest {

    private final RuleSetBuilder builder = new RuleSetBuilder(Duration.ofMinutes(15));
    private final RuleRebuilds rebuilds = new RuleRebuilds(builder);
    private final SettableClock clock = new SettableClock(T0);
    private RuleEngine engine;
    private int seq;

    /** Counts a device's readings in a ten-minute window, from {@code atLeast} on: one lost or counted twice shows. */
    private static String count(int atLeast, String clearAfter) {
        return HEADER + """
                rule "Count"
                    @clearAfter("%s")
                when
                    $d : Device()
                    accumulate( $x : Reading( deviceId == $d.id ) over window:time(10m); $n : count( $x ); $n >= %d )
                then
                    alerts.raise("WARNING", "count", $d, "readings", $n, %d.0);
                end
                """.formatted(clearAfter, atLeast, atLeast);
    }

    @BeforeEach
    void start() {
        RuleSet first = builder.build(files("t/hot.drl", HEADER + HOT, "t/count.drl", count(5, "5m")));
        engine = new RuleEngine(first, 2, Duration.ofSeconds(30), clock, new SimpleMeterRegistry());
        // far beyond any update here, so no reading skips the rules on a slow machine
        engine.limitTime(Duration.ofSeconds(60));
    }

    @AfterEach
    void dispose() {
        engine.dispose();
    }

    @Test
    void anEditedRuleSeesWhatTheWindowsHoldAndTheOthersDoNotFireAgain() {
        for (int s = 1; s <= 3; s++) {
            assertThat(evaluate("d-1", s)).extracting(RaisedAlert::ruleId).containsExactly("Hot");
        }
        var base = engine.rules().kieBase();

        List<RaisedAlert> raised = swap(files("t/hot.drl", HEADER + HOT, "t/count.drl", count(3, "2m")));

        assertThat(raised)
                .as("only the edited rule fires, on the three readings held; Hot does not fire on them again")
                .singleElement()
                .satisfies(a -> {
                    assertThat(a.ruleId()).isEqualTo("Count");
                    assertThat(a.deviceId()).isEqualTo("d-1");
                    assertThat(a.value()).isEqualTo(3.0);
                    assertThat(a.clearAfter()).as("the edited @clearAfter").isEqualTo(Duration.ofMinutes(2));
                });
        assertThat(engine.rules().kieBase())
                .as("the base in force changed in place")
                .isSameAs(base);
        assertThat(evaluate("d-1", 4))
                .extracting(RaisedAlert::ruleId, RaisedAlert::value)
                .containsExactlyInAnyOrder(tuple("Hot", 95.0), tuple("Count", 4.0));
        assertThat(engine.liveReadings()).isEqualTo(4);
    }

    @Test
    void aRuleRemovedStopsFiringAndARuleAddedFiresOnWhatIsHeld() {
        evaluate("d-1", 1);
        evaluate("d-2", 2);
        String warm = HEADER + """
                rule "Warm"
                when
                    $r : Reading( metric("temperature") > 50.0 )
                then
                    alerts.raise("INFO", "warm", $r, "temperature", 50.0);
                end
                """;

        List<RaisedAlert> raised = swap(files("t/warm.drl", warm, "t/count.drl", count(5, "5m")));

        assertThat(raised)
                .as("the new rule, once per reading held")
                .extracting(RaisedAlert::ruleId, RaisedAlert::deviceId)
                .containsExactlyInAnyOrder(tuple("Warm", "d-1"), tuple("Warm", "d-2"));
        assertThat(evaluate("d-1", 3)).extracting(RaisedAlert::ruleId).containsExactly("Warm");
        assertThat(engine.rules().ruleCount()).isEqualTo(2);
    }

    @Test
    void readingsEvaluatedWhileTheBaseChangesAreEachCountedOnce() throws Exception {
        List<String> devices = List.of("a-1", "a-2", "a-3", "a-4", "a-5", "a-6");
        Map<String, Integer> sent = new HashMap<>();
        AtomicBoolean editing = new AtomicBoolean(true);
        CompletableFuture<Void> lanes = CompletableFuture.runAsync(() -> {
            for (int s = 1; editing.get() && s < 500; s++) {
                for (String d : devices) {
                    evaluate(d, s);
                    sent.merge(d, 1, Integer::sum);
                }
            }
        });
        List<Boolean> inPlace = new ArrayList<>();
        var base = engine.rules().kieBase();
        for (int edit = 0; edit < 6; edit++) {
            swap(files("t/hot.drl", HEADER + HOT, "t/count.drl", count(edit % 2 == 0 ? 3 : 4, "5m")));
            inPlace.add(engine.rules().kieBase() == base);
        }
        editing.set(false);
        lanes.get(60, TimeUnit.SECONDS);

        assertThat(inPlace).as("every edit changed the base in place").containsOnly(true);
        for (String d : devices) {
            int readings = sent.get(d) + 1;
            assertThat(evaluate(d, 600))
                    .as("device %s: every reading in its window once", d)
                    .filteredOn(a -> a.ruleId().equals("Count"))
                    .singleElement()
                    .extracting(RaisedAlert::value)
                    .isEqualTo((double) readings);
        }
    }

    @Test
    void anEditThatDeclaresATypeGetsNewSessionsWithTheSameWindows() {
        for (int s = 1; s <= 3; s++) {
            evaluate("d-1", s);
        }
        var base = engine.rules().kieBase();

        List<RaisedAlert> raised = swap(files("t/hot.drl", HEADER + HOT, "t/count.drl", count(3, "5m") + """
                declare Marker
                end
                """));

        assertThat(engine.rules().kieBase())
                .as("new sessions on a base of their own")
                .isNotSameAs(base);
        assertThat(raised)
                .as("new sessions evaluate every rule on what they take over")
                .extracting(RaisedAlert::ruleId)
                .containsExactlyInAnyOrder("Hot", "Hot", "Hot", "Count");
        assertThat(evaluate("d-1", 4))
                .filteredOn(a -> a.ruleId().equals("Count"))
                .singleElement()
                .extracting(RaisedAlert::value)
                .isEqualTo(4.0);
    }

    private List<RaisedAlert> swap(Map<String, byte[]> files) {
        return engine.swap(rebuilds.build(files).rules());
    }

    private static Map<String, byte[]> files(String path1, String drl1, String path2, String drl2) {
        Map<String, byte[]> files = new TreeMap<>();
        files.put(path1, drl1.getBytes());
        files.put(path2, drl2.getBytes());
        return files;
    }

    private List<RaisedAlert> evaluate(String deviceId, int second) {
        return engine.evaluate(record(deviceId, second));
    }

    private synchronized TelemetryRecord record(String deviceId, int second) {
        return hot("m-" + ++seq, deviceId, second);
    }
}
