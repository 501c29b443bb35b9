package io.fieldhub.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.drools.core.common.DefaultEventHandle;
import org.kie.api.runtime.KieSession;

/**
 * Every reading one session holds in rule memory, oldest device time first: they leave from the front once older
 * than the look-back, or beyond the memory cap. Oldest first also keeps an early leave cheap: Drools finds the reading
 * at the front of each window's own queue instead of searching the whole window for it. Not thread safe.
 */
final class HeldReadings {

    private final KieSession session;
    private final PriorityQueue<DefaultEventHandle> held = new PriorityQueue<>();

    HeldReadings(KieSession session) {
        this.session = session;
    }

    /**
     * Inserts a reading and holds it. A condition that throws on it is recorded in {@code errors} instead: no rule sees
     * the reading.
     */
    boolean insert(Reading reading, List<RuleError> errors) {
        try {
            held.add((DefaultEventHandle) session.insert(reading));
            return true;
        } catch (RuntimeException e) {
            errors.add(new RuleError(
                    null, reading.getDeviceId(), reading.getMessageId(), "condition", RuleError.describe(e)));
            return false;
        }
    }

    void add(DefaultEventHandle handle) {
        held.add(handle);
    }

    /** The readings still in the session (a rule may have deleted some), in no order: see {@link #inOrder}. */
    List<Reading> live() {
        List<Reading> live = new ArrayList<>(held.size());
        for (DefaultEventHandle h : held) {
            if (h.isValid()) {
                live.add((Reading) h.getObject());
            }
        }
        return live;
    }

    /** Sorts readings in device-time order, the order they are inserted in again. */
    static List<Reading> inOrder(List<Reading> readings) {
        readings.sort(Comparator.comparingLong(Reading::getTimestamp));
        return readings;
    }

    /** Deletes a device's readings from the session. */
    void drop(String deviceId) {
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

    /**
     * Deletes the readings older than {@code horizon} (device time), and the oldest beyond {@code max}; returns how
     * many left early because of {@code max}.
     */
    long expire(long horizon, int max) {
        long evicted = 0;
        while (!held.isEmpty()) {
            DefaultEventHandle oldest = held.peek();
            boolean valid = oldest.isValid();
            boolean expired = valid && oldest.getStartTimestamp() < horizon;
            if (valid && !expired && held.size() <= max) {
                return evicted;
            }
            held.poll();
            if (valid) {
                session.delete(oldest);
                evicted += expired ? 0 : 1;
            }
        }
        return evicted;
    }

    /** Held readings (a few a rule deleted itself may be counted until they reach the front). */
    int size() {
        return held.size();
    }
}
