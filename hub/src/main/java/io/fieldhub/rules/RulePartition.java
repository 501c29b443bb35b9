package io.fieldhub.rules;

import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.telemetry.TelemetryRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.drools.core.common.InternalFactHandle;
import org.kie.api.KieServices;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieSessionConfiguration;
import org.kie.api.runtime.rule.FactHandle;
import org.kie.api.runtime.conf.ClockTypeOption;
import org.kie.api.time.SessionPseudoClock;

/**
 * One stateful STREAM session and the devices it holds. Every device belongs to exactly one partition (by id hash,
 * like the device lanes), so its readings meet its windows in order. The session runs on a pseudo clock that
 * {@link RuleEngine} moves forward: the rule clock. Not thread safe on its own; callers hold {@link #lock}.
 */
final class RulePartition {

    final ReentrantLock lock = new ReentrantLock();
    private final Map<String, DeviceState> devices = new HashMap<>();
    private final Alerts alerts = new Alerts();
    // The readings inserted, oldest first, while rule memory is capped (expired ones are dropped as they surface).
    private final ArrayDeque<FactHandle> held = new ArrayDeque<>();
    private int maxReadings = Integer.MAX_VALUE;
    private long evicted;
    private RuleSet rules;
    private KieSession session;
    private SessionPseudoClock clock;

    /** What the partition remembers of a device between readings: its fact and its previous reading's values. */
    private static final class DeviceState {
        final Device device;
        Map<String, Double> lastMetrics = Map.of();
        long lastTimestamp;

        DeviceState(Device device) {
            this.device = device;
        }
    }

    RulePartition(RuleSet rules, long clockMillis) {
        this.rules = rules;
        this.session = newSession(rules, clockMillis);
    }

    /** Inserts one reading at its device time, fires the rules and returns what they raised. */
    List<RaisedAlert> evaluate(TelemetryRecord record, long ruleClockMillis) {
        advanceTo(ruleClockMillis);
        DeviceState state = devices.computeIfAbsent(record.deviceId(), id -> {
            String type = Reading.typeOf(id, record.tags());
            DeviceState fresh = new DeviceState(new Device(id, type, record.tags().getOrDefault("site", "")));
            session.insert(fresh.device);
            return fresh;
        });
        long ts = record.ts().toEpochMilli();
        Reading reading = new Reading(record, state.lastMetrics, state.lastTimestamp);
        hold(session.insert(reading));
        state.lastMetrics = record.metrics();
        state.lastTimestamp = ts;
        alerts.evaluating(reading);
        try {
            session.fireAllRules();
        } finally {
            alerts.evaluating(null);
        }
        return alerts.drain();
    }

    /** Moves the rule clock forward (never back), fires what became due (a device gone silent) and returns it. */
    List<RaisedAlert> tick(long ruleClockMillis) {
        advanceTo(ruleClockMillis);
        session.fireAllRules();
        return alerts.drain();
    }

    long clockMillis() {
        return clock.getCurrentTime();
    }

    /**
     * Moves the partition's state onto a new rule set: a new session on the same clock, the same devices, and the
     * readings still live in the old session, re-inserted in device-time order. Returns what the new rules raised
     * while taking the state over.
     */
    List<RaisedAlert> swap(RuleSet next) {
        List<Reading> live = new ArrayList<>();
        for (Object fact : session.getObjects(o -> o instanceof Reading)) {
            live.add((Reading) fact);
        }
        live.sort(Comparator.comparingLong(Reading::getTimestamp));
        KieSession old = session;
        rules = next;
        session = newSession(next, old.<SessionPseudoClock>getSessionClock().getCurrentTime());
        devices.values().forEach(d -> session.insert(d.device));
        held.clear();
        live.forEach(r -> hold(session.insert(r)));
        old.dispose();
        session.fireAllRules();
        return alerts.drain();
    }

    /** Caps the readings this partition holds; beyond it the oldest leave rule memory before they expire. */
    void limit(int readings) {
        this.maxReadings = readings;
    }

    /** How many readings have left rule memory early because of the cap. */
    long evicted() {
        return evicted;
    }

    private void hold(FactHandle handle) {
        if (maxReadings == Integer.MAX_VALUE) {
            return;
        }
        held.addLast(handle);
        while (held.size() > maxReadings) {
            var oldest = (InternalFactHandle) held.pollFirst();
            if (oldest.isValid()) {
                session.delete(oldest);
                evicted++;
            }
        }
    }

    int liveReadings() {
        return session.getFactHandles(o -> o instanceof Reading).size();
    }

    void dispose() {
        session.dispose();
    }

    private void advanceTo(long ruleClockMillis) {
        long now = clock.getCurrentTime();
        if (ruleClockMillis > now) {
            clock.advanceTime(ruleClockMillis - now, TimeUnit.MILLISECONDS);
        }
    }

    private KieSession newSession(RuleSet set, long clockMillis) {
        KieSessionConfiguration conf = KieServices.Factory.get().newKieSessionConfiguration();
        conf.setOption(ClockTypeOption.PSEUDO);
        KieSession fresh = set.kieBase().newKieSession(conf, null);
        if (declaresAlerts(set)) {
            fresh.setGlobal("alerts", alerts);
        }
        clock = fresh.getSessionClock();
        clock.advanceTime(clockMillis - clock.getCurrentTime(), TimeUnit.MILLISECONDS);
        fresh.addEventListener(new DefaultAgendaEventListener() {
            @Override
            public void beforeMatchFired(BeforeMatchFiredEvent event) {
                String rule = event.getMatch().getRule().getName();
                alerts.firing(rule, rules.clearAfter().get(rule), clock.getCurrentTime());
            }
        });
        return fresh;
    }

    private static boolean declaresAlerts(RuleSet set) {
        return set.kieBase().getKiePackages().stream().anyMatch(p -> p.getGlobalVariables().stream()
                .anyMatch(g -> g.getName().equals("alerts")));
    }
}
