package io.fieldhub.rules;

import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridge between the Camel flow and Drools: evaluates each reading against the current {@link RuleSet} in the
 * stateful session of its device's partition, and swaps rule sets atomically between messages.
 *
 * <p>Event time: the rule clock is hub time minus the lateness bound; a reading older than it is late, still
 * evaluated and counted in {@code fieldhub.rules.late}. Why: docs/architecture.md, "Rules: per device, in event time".
 *
 * <p>Each partition runs on a thread of its own ({@link RuleWorker}); callers wait for it at most
 * {@code hub.rules.max-evaluation-time}, so no rule can hold a device lane, and a reading's storage never waits on a
 * rule that does not return ({@link RuleWorkers}; docs/rules.md, "When a rule fails").
 */
public class RuleEngine {

    private static final Logger LOG = LoggerFactory.getLogger(RuleEngine.class);

    private final RuleWorkers workers;
    private final RuleSwap swaps;
    private final RuleUpdate updates;
    private final RuleLimits limits = new RuleLimits();
    private final Quarantine quarantine = new Quarantine();
    private final Clock clock;
    private final long latenessMillis;
    private final Counter late;
    private final Counter evicted;
    private final Counter skipped;
    private volatile long warnedAt;
    private volatile RuleSet rules;
    private volatile Consumer<List<RuleError>> ruleErrors = RuleEngine::logged;

    /**
     * @param partitions how many sessions share the devices; the same count and hash as the device lanes, so each
     *                   session is only ever used by one lane
     * @param lateness   how long the rule clock waits behind hub time for late readings
     */
    public RuleEngine(RuleSet rules, int partitions, Duration lateness, Clock clock, MeterRegistry meters) {
        this.rules = rules;
        this.clock = clock;
        this.latenessMillis = lateness.toMillis();
        this.workers = new RuleWorkers(partitions, limits, quarantine, this::rules, this::ruleClock, this::report);
        this.swaps = new RuleSwap(workers, limits, this::report);
        this.updates = new RuleUpdate(workers, limits);
        this.late = meters.counter("fieldhub.rules.late");
        this.evicted = meters.counter("fieldhub.rules.evicted");
        this.skipped = meters.counter("fieldhub.rules.skipped");
        meters.gauge("fieldhub.rules.live-readings", this, RuleEngine::liveReadings);
        meters.gauge("fieldhub.rules.quarantined", quarantine, Quarantine::size);
        meters.gauge("fieldhub.rules.stuck-threads", this, e -> RuleWorker.stuckThreads());
    }

    /** An engine on the rule files of a folder, with the default lateness and retention: for tools and tests. */
    public static RuleEngine fromFolder(Path rulesDir, int partitions, Clock clock) {
        RuleSet rules = new RuleSetBuilder(Duration.ofMinutes(15)).build(RuleSetBuilder.readFolder(rulesDir));
        return new RuleEngine(rules, partitions, Duration.ofSeconds(30), clock, new SimpleMeterRegistry());
    }

    /**
     * Runs the rules on one reading and returns the alerts they raised (empty when none fired). Empty too when the
     * rules did not end in time or the device is quarantined: the reading goes on without them, counted in
     * {@code fieldhub.rules.skipped}.
     */
    public List<RaisedAlert> evaluate(TelemetryRecord record) {
        long ruleClock = ruleClock();
        if (record.ts().toEpochMilli() < ruleClock) {
            late.increment();
            LOG.debug(
                    "Late reading {} from device {} at {}: evaluated, counted in the windows that still cover it",
                    record.messageId(),
                    record.deviceId(),
                    record.ts());
        }
        if (quarantine.holdsDevice(record.deviceId())) {
            skipped.increment();
            return List.of();
        }
        long limit = limits.maxEvaluationNanos;
        RuleWorkers.Result result = workers.call(
                workers.indexOf(record.deviceId()),
                w -> w.unit(record, limit, () -> {
                    RulePartition p = w.partition();
                    long before = p.evicted();
                    List<RaisedAlert> raised = p.evaluate(record, ruleClock);
                    return new RuleWorkers.Result(raised, p.drainErrors(), p.evicted() - before);
                }),
                true);
        if (result == null) {
            skipped.increment();
            return List.of();
        }
        return applied(result);
    }

    /** Where rule errors go (the {@code rule_error} table, in the hub); by default, the log. */
    public void onRuleErrors(Consumer<List<RuleError>> sink) {
        this.ruleErrors = sink;
    }

    /** Stops a reading's rules after this many firings (a rule that re-triggers itself), as a recorded error. */
    public void limitFirings(int maxFirings) {
        limits.maxFirings = maxFirings;
    }

    /**
     * Stops a reading's rules once they ran this long: a long chain of firings is stopped (a rule error); a
     * consequence that does not return is left behind on its thread, quarantined ({@link RuleWorkers}).
     */
    public void limitTime(Duration maxEvaluationTime) {
        limits.maxEvaluationNanos = maxEvaluationTime.toNanos();
    }

    /** Where a partition that starts again after a stuck rule reads the stored readings of its windows. */
    public void replayFrom(Supplier<List<TelemetryRecord>> storedReadings) {
        workers.replayFrom(storedReadings);
    }

    /** The rules and devices held back because the rules ran past the time limit on them, until the next swap. */
    public Quarantine quarantine() {
        return quarantine;
    }

    private List<RaisedAlert> applied(RuleWorkers.Result result) {
        if (result.evicted() > 0) {
            overflowed(result.evicted());
        }
        report(result.failed());
        return result.raised();
    }

    private void report(List<RuleError> failed) {
        if (!failed.isEmpty()) {
            ruleErrors.accept(failed);
        }
    }

    private static void logged(List<RuleError> failed) {
        failed.forEach(e -> LOG.warn(
                "rule {} failed ({}) on message {} of device {}: {}",
                e.ruleId(),
                e.phase(),
                e.messageId(),
                e.deviceId(),
                e.error()));
    }

    /** Forgets a device that was disabled or deleted: it has no windows and is never judged silent again. */
    public void forget(String deviceId) {
        workers.call(
                workers.indexOf(deviceId),
                w -> {
                    w.partition().forget(deviceId);
                    return null;
                },
                false);
    }

    /**
     * Caps the readings held in rule memory (all partitions together), so a burst cannot exhaust the heap: beyond
     * the cap, the oldest readings leave their windows before they expire, counted in {@code fieldhub.rules.evicted}.
     */
    public void limitMemory(int maxLiveReadings) {
        limits.maxReadings = Math.max(1, maxLiveReadings / workers.count());
    }

    private void overflowed(long readings) {
        evicted.increment(readings);
        long now = System.nanoTime();
        if (now - warnedAt > 60_000_000_000L) {
            warnedAt = now;
            LOG.warn("Rule memory is full (hub.rules.max-live-readings): the oldest readings leave their windows "
                    + "before the windows end, so window rules see less than they say. Fix: give the hub more heap and "
                    + "raise hub.rules.max-live-readings, or shorten or narrow the window rules");
        }
    }

    /** Moves every partition's rule clock to now and returns what fired on time alone (devices gone silent). */
    public List<RaisedAlert> tick() {
        long ruleClock = ruleClock();
        long limit = limits.maxEvaluationNanos;
        List<RaisedAlert> raised = new ArrayList<>();
        for (RuleWorkers.Result result : workers.callAll(
                w -> w.unit(null, limit, () -> {
                    RulePartition p = w.partition();
                    return new RuleWorkers.Result(p.tick(ruleClock), p.drainErrors(), 0);
                }),
                true)) {
            raised.addAll(applied(Objects.requireNonNullElse(result, RuleWorkers.Result.NONE)));
        }
        return raised;
    }

    /**
     * Puts a rule set in force for every device, and returns once every partition runs it. An edit of DRL files
     * that declare nothing changes the base in force in place, the lanes keeping their sessions ({@link RuleUpdate});
     * otherwise each partition builds a session of the new rules on what it holds off its lane, and puts it in place
     * between two readings ({@link RuleSwap}). A partition that starts again meanwhile starts on the new rules. The
     * quarantine ends. Either re-evaluates what rule memory holds, so its time limit is the evaluation limit once,
     * and once more per 1,000 readings held. Returns what the new rules raised on the state they took over.
     */
    public List<RaisedAlert> swap(RuleSet next) {
        quarantine.clear();
        List<RuleWorkers.Result> results = null;
        // a rule thread left stuck in a session would keep Drools from ever changing the base it shares
        RuleDelta delta = RuleWorker.stuckThreads() == 0 ? RuleDelta.between(rules, next) : null;
        if (delta != null) {
            RuleSet updated = RuleUpdate.inPlace(rules, next);
            rules = updated;
            results = updates.apply(delta, updated);
        }
        if (results == null) {
            rules = next;
            results = swaps.swap(next);
        }
        List<RaisedAlert> raised = new ArrayList<>();
        for (RuleWorkers.Result result : results) {
            raised.addAll(applied(Objects.requireNonNullElse(result, RuleWorkers.Result.NONE)));
        }
        return raised;
    }

    /** The swaps' builds of new sessions off the lanes; tests slow them down or make them fail. */
    RuleSwap swaps() {
        return swaps;
    }

    /** Feeds stored readings (oldest first) back into the windows, as after a restart; returns what they raised. */
    public List<RaisedAlert> rebuild(List<TelemetryRecord> history) {
        List<RaisedAlert> raised = new ArrayList<>();
        history.forEach(r -> raised.addAll(evaluate(r)));
        return raised;
    }

    public RuleSet rules() {
        return rules;
    }

    /** Readings held in rule memory across all partitions. */
    public int liveReadings() {
        return workers.liveReadings();
    }

    public void dispose() {
        workers.stop();
    }

    /** Hub time minus the lateness bound, in whole seconds: moving Drools' clock costs per move, not per second. */
    private long ruleClock() {
        return Math.floorDiv(clock.millis() - latenessMillis, 1000) * 1000;
    }
}
