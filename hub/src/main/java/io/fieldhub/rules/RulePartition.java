package io.fieldhub.rules;

import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.drools.core.common.DefaultEventHandle;
import org.kie.api.runtime.KieSession;
import org.kie.api.time.SessionPseudoClock;

/**
 * One stateful STREAM session and the devices it holds. Every device belongs to exactly one partition (by id hash,
 * like the device lanes), so its readings meet its windows in order. The session runs on a pseudo clock that
 * {@link RuleEngine} moves forward: the rule clock. Not thread safe: only its {@link RuleWorker}'s thread uses it.
 */
final class RulePartition {

    private final Map<String, DeviceState> devices = new HashMap<>();
    private final RuleLimits limits;
    private final Quarantine quarantine;
    private final List<RuleError> errors = new ArrayList<>();
    private long evicted;
    private long deadline;
    // The session, its alerts global and guard, and its readings: replaced together by a swap.
    private Alerts alerts = new Alerts();
    private volatile FiringGuard guard;
    private HeldReadings held;
    private RuleSet rules;
    private KieSession session;
    private SessionPseudoClock clock;
    // A take-over being built off the lane, which records what the lane does meanwhile; null when none.
    private RuleTakeOver takeOver;

    RulePartition(RuleSet rules, long clockMillis, RuleLimits limits, Quarantine quarantine) {
        this.rules = rules;
        this.limits = limits;
        this.quarantine = quarantine;
        this.guard = new FiringGuard(quarantine, limits);
        this.session = newSession(rules, clockMillis);
    }

    /** Inserts one reading at its device time, fires the rules and returns what they raised. */
    List<RaisedAlert> evaluate(TelemetryRecord record, long ruleClockMillis) {
        advanceTo(ruleClockMillis);
        long ts = record.ts().toEpochMilli();
        DeviceState state = devices.get(record.deviceId());
        if (state == null) {
            state = new DeviceState(new Device(
                    record.deviceId(),
                    Reading.typeOf(record.deviceId(), record.tags()),
                    record.tags().getOrDefault("site", "")));
            state.newest = ts;
            state.device.setMinutesSilent(state.minutesSilent(clock.getCurrentTime()));
            state.handle = session.insert(state.device);
            devices.put(record.deviceId(), state);
        } else if (ts > state.newest) {
            state.newest = ts;
            judgeSilence(state);
        }
        Reading reading = new Reading(record, state.lastMetrics, state.lastTimestamp);
        DefaultEventHandle handle;
        try {
            handle = (DefaultEventHandle) session.insert(reading);
        } catch (RuntimeException e) {
            // a condition threw on this reading: no rule sees it, and it goes on to be stored
            errors.add(new RuleError(null, record.deviceId(), record.messageId(), "condition", RuleError.describe(e)));
            session.getAgenda().clear();
            return alerts.drain();
        }
        state.lastMetrics = record.metrics();
        state.lastTimestamp = ts;
        if (takeOver != null) {
            takeOver = takeOver.recorded(reading);
        }
        alerts.evaluating(reading);
        try {
            guard.fire(session, record, errors);
        } finally {
            alerts.evaluating(null);
        }
        if (ts + lookBackMillis() < clock.getCurrentTime() || lookBackMillis() == 0) {
            // Beyond every window already (or the rules have none): it has met every rule it ever can.
            session.delete(handle);
        } else {
            held.add(handle);
            expire();
        }
        return alerts.drain();
    }

    /**
     * Moves the rule clock forward (never back), judges every device's silence again, fires what became due (a
     * device gone silent, a window an old reading left) and returns it.
     */
    List<RaisedAlert> tick(long ruleClockMillis) {
        advanceTo(ruleClockMillis);
        devices.values().forEach(this::judgeSilence);
        guard.fire(session, null, errors);
        expire();
        return alerts.drain();
    }

    /** The evaluation starting now must end by {@code deadlineNanos} (nanoTime); past it, no rule fires. */
    void deadline(long deadlineNanos) {
        deadline = deadlineNanos;
        guard.deadline(deadlineNanos);
    }

    /** The rule whose consequence is running now, or {@code null}; safe to read from any thread. */
    String runningRule() {
        return guard.running();
    }

    /** The rule errors since the last call, oldest first. */
    List<RuleError> drainErrors() {
        if (errors.isEmpty()) {
            return List.of();
        }
        List<RuleError> drained = List.copyOf(errors);
        errors.clear();
        return drained;
    }

    long clockMillis() {
        return clock.getCurrentTime();
    }

    /**
     * Moves the partition's state onto a new rule set here, on the lane: a new session on the same clock, the same
     * devices, and the readings still held, re-inserted in device-time order. Returns what the new rules raised while
     * taking the state over. The fallback when the new session could not be built off the lane ({@link RuleTakeOver}).
     */
    List<RaisedAlert> swap(RuleSet next) {
        takeOver = null;
        List<Reading> live = HeldReadings.inOrder(held.live());
        KieSession old = session;
        rules = next;
        session = newSession(next, old.<SessionPseudoClock>getSessionClock().getCurrentTime());
        devices.values().forEach(d -> d.handle = session.insert(d.device));
        live.forEach(r -> held.insert(r, errors));
        old.dispose();
        guard.fire(session, null, errors);
        expire();
        return alerts.drain();
    }

    /**
     * Goes on with {@code next}, whose base is the one in force, changed in place ({@link RuleUpdate}): the same
     * session, readings and devices; fires what the changed rules match in them and returns it, as {@link #swap}.
     */
    List<RaisedAlert> updatedTo(RuleSet next) {
        rules = next;
        RuleSessions.useAlerts(session, next, alerts);
        guard.fire(session, null, errors);
        expire();
        return alerts.drain();
    }

    /** Copies what a session of {@code next} needs to take over from this one, and records the lane from now on. */
    RuleTakeOver takeOverBy(RuleSet next) {
        takeOver = new RuleTakeOver(
                next,
                clock.getCurrentTime(),
                held.live(),
                devices.values().stream().map(d -> d.device).toList(),
                limits,
                quarantine);
        return takeOver;
    }

    /**
     * Puts the session {@code t} built in place of this one, once it caught up with what the lane did meanwhile.
     * Returns what the new rules raised while taking the state over, as {@link #swap}.
     */
    List<RaisedAlert> takeOver(RuleTakeOver t) {
        takeOver = null;
        KieSession old = session;
        t.catchUp(clock.getCurrentTime(), errors);
        RuleTakeOver.Built next = t.built();
        rules = next.rules();
        session = next.session();
        clock = session.getSessionClock();
        alerts = next.alerts();
        guard = next.guard();
        guard.deadline(deadline);
        held = next.held();
        for (DeviceState state : devices.values()) {
            RuleTakeOver.Fact fact = t.fact(state.device.getId());
            if (fact != null) {
                state.device = fact.device();
                state.handle = fact.handle();
            } else {
                state.handle = session.insert(state.device);
            }
            judgeSilence(state);
        }
        t.dropUnclaimed();
        old.dispose();
        guard.fire(session, null, errors);
        expire();
        return alerts.drain();
    }

    /** Drops what the partition holds of a device: its fact, its silence and its readings in the windows. */
    void forget(String deviceId) {
        DeviceState state = devices.remove(deviceId);
        if (state == null) {
            return;
        }
        session.delete(state.handle);
        held.drop(deviceId);
        if (takeOver != null) {
            takeOver = takeOver.recorded(new LaneChanges.Forgotten(deviceId));
        }
    }

    /** How many readings have left rule memory early because of the cap. */
    long evicted() {
        return evicted;
    }

    /** Readings in rule memory (a few a rule retracted itself may be counted until they reach the front). */
    int liveReadings() {
        return held.size();
    }

    void dispose() {
        session.dispose();
    }

    private long lookBackMillis() {
        return rules.lookBack().toMillis();
    }

    /** Lets go of the readings older than every window, and the oldest beyond the memory cap. */
    private void expire() {
        evicted += held.expire(clock.getCurrentTime() - lookBackMillis(), limits.maxReadings);
    }

    private void judgeSilence(DeviceState state) {
        state.judgeSilence(session, clock.getCurrentTime());
    }

    private void advanceTo(long ruleClockMillis) {
        long now = clock.getCurrentTime();
        if (ruleClockMillis > now) {
            clock.advanceTime(ruleClockMillis - now, TimeUnit.MILLISECONDS);
        }
    }

    private KieSession newSession(RuleSet set, long clockMillis) {
        KieSession fresh = RuleSessions.open(set, clockMillis, alerts, guard);
        clock = fresh.getSessionClock();
        held = new HeldReadings(fresh);
        return fresh;
    }
}
