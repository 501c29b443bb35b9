package io.fieldhub.rules;

import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.rules.RuleWorker.Ending;
import io.fieldhub.rules.RuleWorker.Outcome;
import io.fieldhub.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's partitions, each on its own {@link RuleWorker}, and what happens when one is stuck: an evaluation
 * that ran past {@code hub.rules.max-evaluation-time} and did not return. The caller goes on without the rules'
 * result; the rule whose consequence was running is quarantined (or, in a condition, the device); a rule error of
 * phase {@code time} says so; the worker is abandoned; and the partition starts again on a fresh worker, its windows
 * rebuilt from the stored readings of its devices before any later reading of theirs is evaluated.
 */
final class RuleWorkers {

    private static final Logger LOG = LoggerFactory.getLogger(RuleWorkers.class);

    /** What a unit of rule work produced: alerts, rule errors, and readings evicted from a full rule memory. */
    record Result(List<RaisedAlert> raised, List<RuleError> failed, long evicted) {
        static final Result NONE = new Result(List.of(), List.of(), 0);
    }

    private final AtomicReferenceArray<RuleWorker> workers;
    private final RuleLimits limits;
    private final Quarantine quarantine;
    private final Supplier<RuleSet> rules;
    private final LongSupplier ruleClock;
    private final Consumer<List<RuleError>> report;
    private volatile Supplier<List<TelemetryRecord>> history = List::of;

    RuleWorkers(
            int count,
            RuleLimits limits,
            Quarantine quarantine,
            Supplier<RuleSet> rules,
            LongSupplier ruleClock,
            Consumer<List<RuleError>> report) {
        this.workers = new AtomicReferenceArray<>(count);
        this.limits = limits;
        this.quarantine = quarantine;
        this.rules = rules;
        this.ruleClock = ruleClock;
        this.report = report;
        for (int i = 0; i < count; i++) {
            workers.set(i, start(i));
        }
    }

    int count() {
        return workers.length();
    }

    /** The partition of a device: the same hash and count as the device lanes, so one lane uses one partition. */
    int indexOf(String deviceId) {
        return Math.floorMod(deviceId.hashCode(), workers.length());
    }

    /** Where a partition that starts again reads the stored readings its windows are rebuilt from. */
    void replayFrom(Supplier<List<TelemetryRecord>> storedReadings) {
        this.history = storedReadings;
    }

    /**
     * Hands work to partition {@code index} and returns its result, or null when it did not end in time. Skippable
     * work is not even handed to a worker that has been on one task longer than the limit (a long swap or rebuild):
     * otherwise each reading of the lane would wait the full limit in turn.
     */
    <T> T call(int index, Function<RuleWorker, T> body, boolean skippable) {
        RuleWorker worker = workers.get(index);
        if (skippable && worker.busyLongerThan(limits.maxEvaluationNanos)) {
            if (!worker.overdue()) {
                return null;
            }
            replace(index, worker);
            worker = workers.get(index);
        }
        Outcome<T> outcome = worker.await(worker.submit(body), limits.maxEvaluationNanos, skippable);
        if (outcome.ending() == Ending.STUCK) {
            replace(index, worker);
        }
        return outcome.ending() == Ending.DONE ? outcome.value() : null;
    }

    /** Hands work to every partition at once, then waits for each; a null result where one did not end in time. */
    <T> List<T> callAll(Function<RuleWorker, T> body, boolean skippable) {
        @SuppressWarnings("unchecked")
        RuleWorker.Task<T>[] tasks = new RuleWorker.Task[workers.length()];
        RuleWorker[] used = new RuleWorker[workers.length()];
        for (int i = 0; i < tasks.length; i++) {
            used[i] = workers.get(i);
            tasks[i] = used[i].submit(body);
        }
        List<T> results = new ArrayList<>(tasks.length);
        for (int i = 0; i < tasks.length; i++) {
            Outcome<T> outcome = used[i].await(tasks[i], limits.maxEvaluationNanos, skippable);
            if (outcome.ending() == Ending.STUCK) {
                replace(i, used[i]);
            }
            results.add(outcome.value());
        }
        return results;
    }

    int liveReadings() {
        int sum = 0;
        for (int i = 0; i < workers.length(); i++) {
            sum += workers.get(i).liveReadings();
        }
        return sum;
    }

    void stop() {
        for (int i = 0; i < workers.length(); i++) {
            workers.get(i).stop();
        }
    }

    private RuleWorker start(int index) {
        return new RuleWorker(
                new RulePartition(rules.get(), ruleClock.getAsLong(), limits, quarantine), "rules-" + index);
    }

    private void replace(int index, RuleWorker stuck) {
        String rule;
        TelemetryRecord reading;
        synchronized (this) {
            if (workers.get(index) != stuck) {
                return;
            }
            rule = stuck.runningRule();
            reading = stuck.unitReading();
            stuck.abandon();
            String deviceId = reading == null ? null : reading.deviceId();
            if (rule != null) {
                quarantine.holdRule(rule, deviceId);
            } else if (deviceId != null) {
                quarantine.holdDevice(deviceId);
            }
            RuleWorker fresh = start(index);
            fresh.submit(w -> rebuild(w, index));
            workers.set(index, fresh);
        }
        report.accept(List.of(stuckError(rule, reading)));
    }

    private RuleError stuckError(String rule, TelemetryRecord reading) {
        String limit = limits.maxEvaluationNanos / 1_000_000 + " ms (hub.rules.max-evaluation-time)";
        String what = rule != null
                ? "the consequence ran longer than " + limit + " and did not return; the rule is quarantined: it does"
                        + " not fire again until the rules are deployed or reloaded"
                : reading != null
                        ? "the conditions ran longer than " + limit + " on this reading and did not return; the"
                                + " device's readings skip the rules until the rules are deployed or reloaded"
                        : "the rules ran longer than " + limit + " and did not return";
        return new RuleError(
                rule,
                reading == null ? null : reading.deviceId(),
                reading == null ? null : reading.messageId(),
                "time",
                what + ". The partition's rule memory was rebuilt from stored readings; the reading was stored without"
                        + " the rules' alerts");
    }

    /**
     * Feeds the stored readings of this partition's devices to a fresh partition, oldest first, on its worker and so
     * before any reading handed to it later. Their alerts and rule errors were reported when they first arrived.
     */
    private Void rebuild(RuleWorker worker, int index) {
        List<TelemetryRecord> stored;
        try {
            stored = history.get();
        } catch (RuntimeException e) {
            LOG.warn(
                    "Rule partition {} starts with empty windows: the stored readings cannot be read: {}",
                    index,
                    e.getMessage());
            return null;
        }
        RulePartition partition = worker.partition();
        for (TelemetryRecord r : stored) {
            if (worker.abandoned()) {
                return null;
            }
            if (indexOf(r.deviceId()) == index && !quarantine.holdsDevice(r.deviceId())) {
                worker.unit(r, limits.maxEvaluationNanos, () -> partition.evaluate(r, ruleClock.getAsLong()));
                partition.drainErrors();
            }
        }
        return null;
    }
}
