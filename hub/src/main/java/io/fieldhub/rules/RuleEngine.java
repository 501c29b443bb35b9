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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridge between the Camel flow and Drools: evaluates each reading against the current {@link RuleSet} in the
 * stateful session of its device's partition, and swaps rule sets atomically between messages.
 *
 * <p>Event time: the rule clock is hub time minus the lateness bound; a reading older than it is late, still
 * evaluated and counted in {@code fieldhub.rules.late}. Why: docs/architecture.md, "Rules: per device, in event time".
 */
public class RuleEngine {

    private static final Logger LOG = LoggerFactory.getLogger(RuleEngine.class);

    private final RulePartition[] partitions;
    private final Clock clock;
    private final long latenessMillis;
    private final Counter late;
    private final Counter evicted;
    private volatile long warnedAt;
    private volatile RuleSet rules;
    private volatile Consumer<List<RuleError>> ruleErrors = RuleEngine::logged;

    /**
     * @param partitions how many sessions share the devices; the same count and hash as the device lanes, so each
     *                   session is only ever used by one lane thread
     * @param lateness   how long the rule clock waits behind hub time for late readings
     */
    public RuleEngine(RuleSet rules, int partitions, Duration lateness, Clock clock, MeterRegistry meters) {
        this.rules = rules;
        this.clock = clock;
        this.latenessMillis = lateness.toMillis();
        this.partitions = new RulePartition[partitions];
        for (int i = 0; i < partitions; i++) {
            this.partitions[i] = new RulePartition(rules, ruleClock());
        }
        this.late = meters.counter("fieldhub.rules.late");
        this.evicted = meters.counter("fieldhub.rules.evicted");
        meters.gauge("fieldhub.rules.live-readings", this, RuleEngine::liveReadings);
    }

    /** An engine on the rule files of a folder, with the default lateness and retention: for tools and tests. */
    public static RuleEngine fromFolder(Path rulesDir, int partitions, Clock clock) {
        RuleSet rules = new RuleSetBuilder(Duration.ofMinutes(15)).build(RuleSetBuilder.readFolder(rulesDir));
        return new RuleEngine(rules, partitions, Duration.ofSeconds(30), clock, new SimpleMeterRegistry());
    }

    /** Runs the rules on one reading and returns the alerts they raised (empty when none fired). */
    public List<RaisedAlert> evaluate(TelemetryRecord record) {
        RulePartition p = partitions[Math.floorMod(record.deviceId().hashCode(), partitions.length)];
        long ruleClock = ruleClock();
        if (record.ts().toEpochMilli() < ruleClock) {
            late.increment();
            LOG.debug(
                    "Late reading {} from device {} at {}: evaluated, counted in the windows that still cover it",
                    record.messageId(),
                    record.deviceId(),
                    record.ts());
        }
        List<RuleError> failed;
        List<RaisedAlert> raised;
        p.lock.lock();
        try {
            long before = p.evicted();
            raised = p.evaluate(record, ruleClock);
            if (p.evicted() > before) {
                overflowed(p.evicted() - before);
            }
            failed = p.drainErrors();
        } finally {
            p.lock.unlock();
        }
        report(failed);
        return raised;
    }

    /** Where rule errors go (the {@code rule_error} table, in the hub); by default, the log. */
    public void onRuleErrors(Consumer<List<RuleError>> sink) {
        this.ruleErrors = sink;
    }

    /** Stops a reading's rules after this many firings (a rule that re-triggers itself), as a recorded error. */
    public void limitFirings(int maxFirings) {
        for (RulePartition p : partitions) {
            p.lock.lock();
            try {
                p.limitFirings(maxFirings);
            } finally {
                p.lock.unlock();
            }
        }
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
        RulePartition p = partitions[Math.floorMod(deviceId.hashCode(), partitions.length)];
        p.lock.lock();
        try {
            p.forget(deviceId);
        } finally {
            p.lock.unlock();
        }
    }

    /**
     * Caps the readings held in rule memory (all partitions together), so a burst cannot exhaust the heap: beyond
     * the cap, the oldest readings leave their windows before they expire, counted in {@code fieldhub.rules.evicted}.
     */
    public void limitMemory(int maxLiveReadings) {
        for (RulePartition p : partitions) {
            p.lock.lock();
            try {
                p.limit(Math.max(1, maxLiveReadings / partitions.length));
            } finally {
                p.lock.unlock();
            }
        }
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
        List<RaisedAlert> raised = new ArrayList<>();
        for (RulePartition p : partitions) {
            List<RuleError> failed;
            p.lock.lock();
            try {
                raised.addAll(p.tick(ruleClock));
                failed = p.drainErrors();
            } finally {
                p.lock.unlock();
            }
            report(failed);
        }
        return raised;
    }

    /**
     * Puts a rule set in force for every device at once: all partitions are held while their state moves over, so
     * no reading meets a mix of old and new rules. Returns what the new rules raised on the state they took over.
     */
    public List<RaisedAlert> swap(RuleSet next) {
        List<RaisedAlert> raised = new ArrayList<>();
        List<RuleError> failed = new ArrayList<>();
        for (RulePartition p : partitions) {
            p.lock.lock();
        }
        try {
            for (RulePartition p : partitions) {
                raised.addAll(p.swap(next));
                failed.addAll(p.drainErrors());
            }
            rules = next;
        } finally {
            for (RulePartition p : partitions) {
                p.lock.unlock();
            }
        }
        report(failed);
        return raised;
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
        int sum = 0;
        for (RulePartition p : partitions) {
            p.lock.lock();
            try {
                sum += p.liveReadings();
            } finally {
                p.lock.unlock();
            }
        }
        return sum;
    }

    public void dispose() {
        for (RulePartition p : partitions) {
            p.dispose();
        }
    }

    /** Hub time minus the lateness bound, in whole seconds: moving Drools' clock costs per move, not per second. */
    private long ruleClock() {
        return Math.floorDiv(clock.millis() - latenessMillis, 1000) * 1000;
    }
}
