package io.fieldhub.rules;

import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What a lane evaluated (readings) and forgot (devices) while a new session was built off it ({@link RuleTakeOver}),
 * in order. The lane adds; the build, then the lane once it took the new session, apply them from the front.
 */
final class LaneChanges {

    /** A device the lane forgot. */
    record Forgotten(String deviceId) {}

    private final Queue<Object> changes = new ConcurrentLinkedQueue<>();

    /** Records a {@link Reading} the lane evaluated, or a device it {@link Forgotten forgot}. */
    void add(Object change) {
        changes.add(change);
    }

    /** Changes recorded and not yet applied. */
    int size() {
        return changes.size();
    }

    /**
     * Applies up to {@code count} changes to a new session, oldest first: a reading goes into the windows, a device
     * forgotten leaves with its readings.
     */
    void apply(int count, RuleTakeOver.Built next, Map<String, RuleTakeOver.Fact> facts, List<RuleError> into) {
        Object change;
        for (int i = 0; i < count && (change = changes.poll()) != null; i++) {
            if (change instanceof Reading r) {
                next.held().insert(r, into);
            } else if (change instanceof Forgotten f) {
                RuleTakeOver.Fact fact = facts.remove(f.deviceId());
                if (fact != null) {
                    next.session().delete(fact.handle());
                }
                next.held().drop(f.deviceId());
            }
        }
    }
}
