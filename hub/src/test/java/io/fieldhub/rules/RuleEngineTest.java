package io.fieldhub.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.telemetry.TelemetryRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleEngineTest {

    private static RuleEngine engine;

    @BeforeAll
    static void buildShippedRules() {
        engine = RuleEngine.fromFolder(Path.of("..", "rules"), 2, Clock.systemUTC());
    }

    @Test
    void loadsTheShippedRules() {
        assertThat(engine.rules().files().keySet()).contains("fieldhub/engine/engine-overheat.drl");
        assertThat(engine.rules().ruleCount()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void hotEngineRaisesOneCriticalAlert() {
        TelemetryRecord hot = reading("m-1", "engine-42", Map.of("type", "engine"), 95.5);

        List<RaisedAlert> alerts = engine.evaluate(hot);

        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.ruleId()).isEqualTo("Engine overheat");
            assertThat(a.severity()).isEqualTo("CRITICAL");
            assertThat(a.metric()).isEqualTo("temperature");
            assertThat(a.value()).isEqualTo(95.5);
            assertThat(a.threshold()).isEqualTo(90.0);
            assertThat(a.text()).contains("engine-42").contains("95.5");
            assertThat(a.deviceId()).isEqualTo("engine-42");
            assertThat(a.messageId()).isEqualTo("m-1");
            assertThat(a.ts()).isEqualTo(hot.ts());
            assertThat(a.traceId()).isEqualTo(hot.traceId());
        });
    }

    @Test
    void engineWithoutTypeTagIsRecognisedByItsId() {
        assertThat(engine.evaluate(reading("m-2", "engine-7", Map.of(), 91.0)))
                .extracting(RaisedAlert::ruleId)
                .containsExactly("Engine overheat");
    }

    @Test
    void coolEngineRaisesNothing() {
        assertThat(engine.evaluate(reading("m-3", "engine-42", Map.of("type", "engine"), 90.0)))
                .isEmpty();
        assertThat(engine.evaluate(reading("m-4", "engine-42", Map.of("type", "engine"), 60.0)))
                .isEmpty();
    }

    @Test
    void hotNonEngineRaisesNothing() {
        assertThat(engine.evaluate(reading("m-5", "meter-1", Map.of("type", "meter"), 120.0)))
                .isEmpty();
        // An explicit type wins over the id convention.
        assertThat(engine.evaluate(reading("m-6", "engine-9", Map.of("type", "meter"), 120.0)))
                .isEmpty();
    }

    @Test
    void recordWithoutTemperatureRaisesNothing() {
        TelemetryRecord rpmOnly = new TelemetryRecord(
                "m-7", "engine-42", Instant.now(), Instant.now(), Map.of("rpm", 1200.0), Map.of("type", "engine"), "t");
        assertThat(engine.evaluate(rpmOnly)).isEmpty();
    }

    @Test
    void evaluateIsSafeFromSeveralThreads() throws Exception {
        int threads = 4;
        int perThread = 1000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<List<RaisedAlert>>> jobs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                jobs.add(() -> {
                    List<RaisedAlert> raised = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        // Every other reading is hot, so each thread expects perThread / 2 alerts, each its own.
                        double temperature = i % 2 == 0 ? 95.0 : 80.0;
                        String id = thread + "-" + i;
                        List<RaisedAlert> alerts =
                                engine.evaluate(reading(id, "engine-" + thread, Map.of("type", "engine"), temperature));
                        alerts.forEach(a -> assertThat(a.messageId()).isEqualTo(id));
                        raised.addAll(alerts);
                    }
                    return raised;
                });
            }
            List<RaisedAlert> all = new ArrayList<>();
            for (Future<List<RaisedAlert>> f : pool.invokeAll(jobs)) {
                all.addAll(f.get());
            }
            assertThat(all).hasSize(threads * perThread / 2);
            assertThat(all).extracting(RaisedAlert::messageId).doesNotHaveDuplicates();
            assertThat(all).allSatisfy(a -> assertThat(a.ruleId()).isEqualTo("Engine overheat"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void syntaxErrorNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path pkg = Files.createDirectories(dir.resolve("acme"));
        Files.writeString(pkg.resolve("broken.drl"), """
                package acme
                import io.fieldhub.rules.Reading

                rule "Broken"
                when
                    $t : Reading( deviceId == "x" ))
                then
                end
                """);

        assertThatThrownBy(() -> RuleEngine.fromFolder(dir, 1, Clock.systemUTC()))
                .isInstanceOf(RuleBuildException.class)
                .hasMessageContaining("acme/broken.drl:6:")
                .satisfies(e -> assertThat(((RuleBuildException) e).errors())
                        .extracting(RuleBuildException.BuildError::file, RuleBuildException.BuildError::line)
                        .contains(org.assertj.core.groups.Tuple.tuple("acme/broken.drl", 6)));
    }

    @Test
    void emptyFolderBuildsWithNoRules(@TempDir Path dir) {
        RuleEngine empty = RuleEngine.fromFolder(dir, 1, Clock.systemUTC());

        assertThat(empty.rules().ruleCount()).isZero();
        assertThat(empty.rules().files()).isEmpty();
        assertThat(empty.evaluate(reading("m-8", "engine-1", Map.of(), 200.0))).isEmpty();
    }

    @Test
    void ruleMemoryIsCappedAndWhatLeavesEarlyIsCounted() {
        var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        var rules = new RuleSetBuilder(java.time.Duration.ofMinutes(15))
                .build(RuleSetBuilder.readFolder(Path.of("..", "rules")));
        var capped = new RuleEngine(rules, 1, java.time.Duration.ofSeconds(30), Clock.systemUTC(), meters);
        capped.limitMemory(100);
        Instant now = Instant.now();
        for (int i = 0; i < 500; i++) {
            capped.evaluate(new TelemetryRecord(
                    "cap-" + i,
                    "engine-" + (i % 10),
                    now,
                    now,
                    Map.of("temperature", 70.0, "rpm", 1200.0),
                    Map.of("type", "engine"),
                    "t"));
        }

        assertThat(capped.liveReadings()).isEqualTo(100);
        assertThat(meters.counter("fieldhub.rules.evicted").count()).isEqualTo(400.0);
        capped.dispose();
    }

    private static TelemetryRecord reading(
            String messageId, String deviceId, Map<String, String> tags, double temperature) {
        Instant ts = Instant.parse("2026-11-26T10:00:00.123Z");
        return new TelemetryRecord(
                messageId,
                deviceId,
                ts,
                ts.plusMillis(17),
                Map.of("temperature", temperature, "rpm", 1200.0),
                tags,
                "4bf92f3577b34da6a3ce929d0e0e4736");
    }
}
