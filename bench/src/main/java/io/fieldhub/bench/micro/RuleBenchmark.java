package io.fieldhub.bench.micro;

import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.rules.RuleEngine;
import io.fieldhub.telemetry.TelemetryRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * One rule evaluation per message, on the shipped {@code rules/} folder (read from system property
 * {@code fieldhub.home}, default the working directory), by one thread and by two sharing the engine.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RuleBenchmark {

    private RuleEngine engine;
    private TelemetryRecord cool;
    private TelemetryRecord hot;

    @Setup
    public void buildRules() {
        engine = new RuleEngine(Path.of(System.getProperty("fieldhub.home", ".")).resolve("rules"));
        cool = reading(72.0);
        hot = reading(95.5);
        // A benchmark of rules that do not fire (wrong folder, changed rule) would measure nothing useful.
        if (!engine.evaluate(cool).isEmpty() || engine.evaluate(hot).size() != 1) {
            throw new IllegalStateException("expected the shipped overheat rule: no alert at 72.0, one at 95.5");
        }
    }

    @Benchmark
    @Threads(1)
    public List<RaisedAlert> coolReading() {
        return engine.evaluate(cool);
    }

    @Benchmark
    @Threads(1)
    public List<RaisedAlert> hotReading() {
        return engine.evaluate(hot);
    }

    @Benchmark
    @Threads(2)
    public List<RaisedAlert> coolReading2Threads() {
        return engine.evaluate(cool);
    }

    @Benchmark
    @Threads(2)
    public List<RaisedAlert> hotReading2Threads() {
        return engine.evaluate(hot);
    }

    private static TelemetryRecord reading(double temperature) {
        return new TelemetryRecord("m-1", "engine-42", Instant.now(), Instant.now(),
                Map.of("temperature", temperature, "rpm", 1200.0), Map.of("type", "engine"),
                "4bf92f3577b34da6a3ce929d0e0e4736");
    }
}
