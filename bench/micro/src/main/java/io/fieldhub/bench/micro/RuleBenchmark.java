package io.fieldhub.bench.micro;

import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.rules.RuleEngine;
import io.fieldhub.rules.RuleSet;
import io.fieldhub.rules.RuleSetBuilder;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The shipped rule set ({@code rules/} under system property {@code fieldhub.home}, default the working directory)
 * with its windows on: readings per second on one thread (one rule session, as one device lane runs it), from
 * {@code devices} engines reporting every {@code intervalMillis} of device time, 1 % of them hot. The sessions hold
 * the readings of the last {@code hub.rules.retention} as the hub would. Also: a hot reload (build and swap the
 * shipped rule set onto that live state), in milliseconds.
 */
@State(Scope.Benchmark)
@Fork(jvmArgsAppend = "-XX:+UseParallelGC") // the rule engine alone, at its highest throughput (the hub runs G1)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RuleBenchmark {

    @Param({"1000"})
    public int devices;

    @Param({"10000"})
    public int intervalMillis;

    /**
     * The hub's rule clock ticks once a second of wall time (judging every device's silence); at 100,000 readings a
     * second that is once per 100,000 readings. The benchmark ticks ten times as often, so the tick is not free.
     */
    private static final int TICK_EVERY = 10_000;

    private final StepClock clock = new StepClock();
    private RuleSetBuilder builder;
    private Map<String, byte[]> files;
    private RuleEngine engine;
    private String[] deviceIds;
    private long sequence;

    @Setup(Level.Trial)
    public void buildRules() {
        builder = new RuleSetBuilder(Duration.ofMinutes(15));
        files = RuleSetBuilder.readFolder(
                Path.of(System.getProperty("fieldhub.home", ".")).resolve("rules"));
        RuleSet rules = builder.build(files);
        engine = new RuleEngine(rules, 1, Duration.ofSeconds(30), clock, new SimpleMeterRegistry());
        deviceIds = new String[devices];
        for (int d = 0; d < devices; d++) {
            deviceIds[d] = "engine-" + d;
        }
        // A benchmark of rules that do not fire (wrong folder, changed rule) would measure nothing useful.
        List<RaisedAlert> check = engine.evaluate(reading("engine-check", 95.5));
        if (check.stream().noneMatch(a -> a.ruleId().equals("Engine overheat"))) {
            throw new IllegalStateException("expected the shipped rule \"Engine overheat\" to fire at 95.5");
        }
        // Fill the windows: a quarter of an hour of device time, as a hub that has been running holds.
        long fill = Duration.ofMinutes(15).toMillis() * devices / intervalMillis;
        for (long i = 0; i < fill; i++) {
            next();
        }
    }

    @TearDown(Level.Trial)
    public void dispose() {
        engine.dispose();
    }

    @Benchmark
    @Threads(1)
    public List<RaisedAlert> readingWithWindows() {
        return next();
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public List<RaisedAlert> hotReload() {
        return engine.swap(builder.build(files));
    }

    private List<RaisedAlert> next() {
        long n = sequence++;
        // Device time advances so that each device reports every intervalMillis.
        clock.advanceMillis((double) intervalMillis / devices);
        if (n % TICK_EVERY == 0) {
            engine.tick();
        }
        String device = deviceIds[(int) (n % devices)];
        double temperature = n % 100 == 0 ? 93.0 : 70.0 + (n * 7 % 150) / 10.0;
        return engine.evaluate(reading(device, temperature));
    }

    private TelemetryRecord reading(String device, double temperature) {
        Instant now = clock.instant();
        return new TelemetryRecord(
                "m-" + sequence,
                device,
                now,
                now,
                Map.of("temperature", temperature, "rpm", 1500.0 + sequence % 300, "oilPressure", 3.2),
                Map.of("type", "engine", "site", "plant-1"),
                "4bf92f3577b34da6a3ce929d0e0e4736");
    }

    /** Device time for the benchmark: moves only when a reading is made, so windows fill as in real traffic. */
    static final class StepClock extends Clock {
        private double millis = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

        void advanceMillis(double delta) {
            millis += delta;
        }

        @Override
        public long millis() {
            return (long) millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
