package io.fieldhub.rules;

import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import org.drools.core.common.DefaultEventHandle;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;
import org.kie.api.time.SessionPseudoClock;

/**
 * One stateful STREAM session and the devices it holds. Every device belongs to exactly one partition (by id hash,
 * like the device lanes), so its readings meet its windows in order. The session runs on a pseudo clock that
 * {@link RuleEngine} moves forward: the rule clock. Not thread safe: only its {@link RuleWorker}'s thread uses it.
 */
final class RulePartition {

    private static final long MINUTE = 60_000;

    private final Map<String, DeviceState> devices = new HashMap<>();
    private final Alerts alerts = new Alerts();
    // Every reading in rule memory, oldest device time first: they leave from the front once older than the
    // look-back, or beyond the memory cap. Oldest first also keeps an early leave cheap: Drools finds the reading at
    // the front of each window's own queue instead of searching the whole window for it.
    private final PriorityQueue<DefaultEventHandle> held = new PriorityQueue<>();
    private final RuleLimits limits;
    private final FiringGuard guard;

    private final List<RuleError> errors = new ArrayList<>();
    private long evicted;
    private RuleSet rules;
    private KieSession session;
    private SessionPseudoClock clock;

    /** What the partition remembers of a device between readings: its fact and its previous reading's values. */
    private static final class DeviceState {
        final Device device;
        FactHandle handle;
        Map<String, Double> lastMetrics = Map.of();
        long lastTimestamp;
        long newest = Long.MIN_VALUE;

        DeviceState(Device device) {
            this.device = device;
        }
    }

    RulePartition(RuleSet rules, long clockMillis, RuleLimits limits, Quarantine quarantine) {
        this.rules = rules;
        this.limits = limits;
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
            state.device.setMinutesSilent(minutesSilent(state));
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
     * Moves the partition's state onto a new rule set: a new session on the same clock, the same devices, and the
     * readings still held, re-inserted in device-time order. Returns what the new rules raised while taking the
     * state over.
     */
    List<RaisedAlert> swap(RuleSet next) {
        List<Reading> live = new ArrayList<>(held.size());
        for (DefaultEventHandle h : held) {
            if (h.isValid()) {
                live.add((Reading) h.getObject());
            }
        }
        live.sort(Comparator.comparingLong(Reading::getTimestamp));
        KieSession old = session;
        rules = next;
        session = newSession(next, old.<SessionPseudoClock>getSessionClock().getCurrentTime());
        devices.values().forEach(d -> d.handle = session.insert(d.device));
        held.clear();
        live.forEach(r -> held.add((DefaultEventHandle) session.insert(r)));
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
        held.removeIf(handle -> {
            boolean mine = handle.isValid()
                    && handle.getObject() instanceof Reading r
                    && r.getDeviceId().equals(deviceId);
            if (mine) {
                session.delete(handle);
            }
            return mine;
        });
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
        long horizon = clock.getCurrentTime() - lookBackMillis();
        while (!held.isEmpty()) {
            DefaultEventHandle oldest = held.peek();
            boolean valid = oldest.isValid();
            boolean expired = valid && oldest.getStartTimestamp() < horizon;
            if (valid && !expired && held.size() <= limits.maxReadings) {
                return;
            }
            held.poll();
            if (valid) {
                session.delete(oldest);
                evicted += expired ? 0 : 1;
            }
        }
    }

    /** Tells the rules a device's silence in whole minutes when it changed: at most once a minute per device. */
    private void judgeSilence(DeviceState state) {
        int minutes = minutesSilent(state);
        if (minutes != state.device.getMinutesSilent()) {
            state.device.setMinutesSilent(minutes);
            session.update(state.handle, state.device, Device.MINUTES_SILENT);
        }
    }

    private int minutesSilent(DeviceState state) {
        long silent = clock.getCurrentTime() - state.newest;
        return silent <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, silent / MINUTE);
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
        return fresh;
    }
}
