package io.fieldhub.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;
import org.kie.api.time.SessionPseudoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's move onto a new rule set, built off its lane so the lane keeps evaluating meanwhile. On the lane,
 * briefly: {@link RulePartition#takeOverBy} copies what the new session needs (the readings held, copies of the
 * devices, since the lane changes their silence, and the rule clock) and from then on records what the lane does. On
 * a thread of its own: {@link #build} opens the new session, inserts that state and fires once, as the old swap did
 * on the lane, then takes in what the lane recorded so far. On the lane again, briefly: {@link RulePartition#takeOver} lets the new session {@link #catchUp} with
 * what the lane did meanwhile and puts it in place of the old.
 *
 * <p>{@link Reading} is immutable (final fields over an immutable record, no setter a {@code modify} could call), so
 * both sessions may hold the same readings at once: Drools keeps a fact's state in each session's own handle.
 */
final class RuleTakeOver {

    private static final Logger LOG = LoggerFactory.getLogger(RuleTakeOver.class);

    /** A device's fact in the new session. */
    record Fact(Device device, FactHandle handle) {}

    /** The new session of the new rules, with its readings held, its alerts global and its guard. */
    record Built(RuleSet rules, KieSession session, HeldReadings held, Alerts alerts, FiringGuard guard) {}

    private final RuleSet rules;
    private final long clockMillis;
    private final List<Reading> readings;
    private final List<Device> devices;
    private final RuleLimits limits;
    private final Quarantine quarantine;
    private final Alerts alerts = new Alerts();
    private final FiringGuard guard;
    private final List<RuleError> errors = new ArrayList<>();
    private final CompletableFuture<Void> built = new CompletableFuture<>();
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final LaneChanges meanwhile = new LaneChanges();
    private volatile boolean recording = true;
    private long limitNanos;
    private long deadline;
    // Whether the build is running now, and whether the swap gave up on it while it ran; guarded by this.
    private boolean building;
    private boolean leftBehind;
    private Built next;
    private Map<String, Fact> facts;

    /** Copies the state to take over; on the lane, which must record from now on ({@link #recorded}). */
    RuleTakeOver(
            RuleSet rules,
            long clockMillis,
            List<Reading> readings,
            List<Device> liveDevices,
            RuleLimits limits,
            Quarantine quarantine) {
        this.rules = rules;
        this.clockMillis = clockMillis;
        this.readings = readings;
        this.devices = liveDevices.stream()
                .map(d -> {
                    Device copy = new Device(d.getId(), d.getType(), d.getSite());
                    copy.setMinutesSilent(d.getMinutesSilent());
                    return copy;
                })
                .toList();
        this.limits = limits;
        this.quarantine = quarantine;
        this.guard = new FiringGuard(quarantine, limits);
    }

    /**
     * Starts the build on {@code threads}. It is due as the old on-lane swap was: within the evaluation limit once,
     * and once more per 1,000 readings.
     */
    void start(Executor threads) {
        limitNanos = limits.maxEvaluationNanos * (1 + readings.size() / 1000);
        deadline = System.nanoTime() + limitNanos;
        guard.deadline(deadline);
        try {
            threads.execute(this::build);
        } catch (RuntimeException e) {
            built.completeExceptionally(e);
        }
    }

    /**
     * Waits for the build until its deadline and a quarter of grace; false when it failed or did not end. A build
     * stuck in a consequence is left behind, and that rule quarantined, as on a lane ({@link RuleWorkers}).
     */
    boolean ready(List<RuleError> failed) {
        try {
            built.get(Math.max(0, deadline + limitNanos / 4 - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            if (!built.completeExceptionally(e)) {
                return built.isDone() && !built.isCompletedExceptionally();
            }
            String rule = guard.running();
            if (rule != null) {
                quarantine.holdRule(rule, null);
            }
            synchronized (this) {
                leftBehind = building;
                if (leftBehind) {
                    RuleWorker.STUCK.incrementAndGet();
                }
            }
            failed.add(new RuleError(
                    rule,
                    null,
                    null,
                    "time",
                    "the new rules ran past hub.rules.max-evaluation-time on the readings they took over"
                            + (rule == null ? "" : "; the rule is quarantined until the rules are next deployed")
                            + ". The partition took the rules over on its own thread instead"));
            return false;
        } catch (ExecutionException e) {
            LOG.warn(
                    "A rule partition takes the new rules over on its own thread: {}",
                    e.getCause().toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            built.cancel(false);
            return false;
        }
    }

    private void build() {
        synchronized (this) {
            if (built.isDone()) {
                return;
            }
            building = true;
        }
        KieSession fresh = null;
        try {
            fresh = RuleSessions.open(rules, clockMillis, alerts, guard);
            Map<String, Fact> inserted = new HashMap<>();
            for (Device d : devices) {
                inserted.put(d.getId(), new Fact(d, fresh.insert(d)));
            }
            HeldReadings readingsHeld = new HeldReadings(fresh);
            // sorted here rather than on the lane
            HeldReadings.inOrder(readings).forEach(r -> readingsHeld.insert(r, errors));
            guard.fire(fresh, null, errors);
            next = new Built(rules, fresh, readingsHeld, alerts, guard);
            facts = inserted;
            // what the lane did during the build goes in here too, so the lane is left only what comes during this
            meanwhile.apply(meanwhile.size(), next, facts, errors);
            guard.fire(fresh, null, errors);
            if (built.complete(null)) {
                fresh = null;
            }
        } catch (RuntimeException e) {
            built.completeExceptionally(e);
        } finally {
            if (fresh != null) {
                fresh.dispose();
            }
            synchronized (this) {
                building = false;
                if (leftBehind) {
                    RuleWorker.STUCK.decrementAndGet();
                }
            }
        }
    }

    /** On the lane: records a reading it evaluated, or a device it forgot; returns this, or null once it is over. */
    RuleTakeOver recorded(Object change) {
        if (!recording) {
            return null;
        }
        meanwhile.add(change);
        return this;
    }

    /** Readings copied to take over. */
    int readings() {
        return readings.size();
    }

    /** Changes recorded on the lane and not yet taken into the new session. */
    int changes() {
        return meanwhile.size();
    }

    /** On the lane: ends the recording; false when the take-over was discarded already. */
    boolean claim() {
        recording = false;
        return claimed.compareAndSet(false, true);
    }

    /** Ends a take-over its lane did not take (it started again, or the swap failed): the lane stops recording. */
    void discard() {
        recording = false;
        built.cancel(false);
        if (claimed.compareAndSet(false, true) && built.isDone() && !built.isCompletedExceptionally()) {
            next.session().dispose();
        }
    }

    /**
     * On the lane, once claimed: moves the new session's clock to the lane's, and applies what the lane did since
     * the copy, in order: the readings it evaluated go into the windows, a device it forgot leaves with its readings.
     */
    void catchUp(long laneClockMillis, List<RuleError> into) {
        into.addAll(errors);
        SessionPseudoClock clock = next.session().getSessionClock();
        if (laneClockMillis > clock.getCurrentTime()) {
            clock.advanceTime(laneClockMillis - clock.getCurrentTime(), TimeUnit.MILLISECONDS);
        }
        meanwhile.apply(Integer.MAX_VALUE, next, facts, into);
    }

    /** The new session's fact of a device, taken out so that {@link #dropUnclaimed} leaves it; null when none. */
    Fact fact(String deviceId) {
        return facts.remove(deviceId);
    }

    /** Deletes the facts of devices the lane no longer holds. */
    void dropUnclaimed() {
        facts.values().forEach(f -> next.session().delete(f.handle()));
        facts.clear();
    }

    Built built() {
        return next;
    }
}
