package io.fieldhub.rules;

import io.fieldhub.alert.RaisedAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code alerts} global that rule consequences raise alerts on, for example
 * {@code alerts.raise("CRITICAL", "Engine is hot", $r, "temperature", 90.0)}. The rule id is the name of the rule
 * that is firing and its {@code @clearAfter} attribute; {@link RulePartition} sets both, so DRL never repeats them.
 */
public final class Alerts {

    private final List<RaisedAlert> raised = new ArrayList<>();
    private String firingRule;
    private Duration clearAfter;
    private long clockMillis;

    /** Raises an alert about {@code metric} of reading {@code r} crossing {@code threshold}. */
    public void raise(String severity, String text, Reading r, String metric, double threshold) {
        raise(severity, text, r, metric, r.metric(metric), threshold);
    }

    /** Raises an alert about a value derived from reading {@code r} (an average, a rate) crossing a limit. */
    public void raise(String severity, String text, Reading r, String metric, Number value, double threshold) {
        var t = r.getRecord();
        raised.add(new RaisedAlert(firingRule, severity, t.deviceId(), t.messageId(), metric,
                value == null ? null : value.doubleValue(), threshold, text, t.ts(), t.traceId(), clearAfter));
    }

    /** Raises an alert about reading {@code r} that is not tied to one metric's limit. */
    public void raise(String severity, String text, Reading r) {
        var t = r.getRecord();
        raised.add(new RaisedAlert(firingRule, severity, t.deviceId(), t.messageId(), null, null, null, text,
                t.ts(), t.traceId(), clearAfter));
    }

    /** Raises an alert about a device when no reading triggered it (it went silent); timed by the rule clock. */
    public void raise(String severity, String text, Device d) {
        raised.add(new RaisedAlert(firingRule, severity, d.getId(), null, null, null, null, text,
                Instant.ofEpochMilli(clockMillis), null, clearAfter));
    }

    void firing(String ruleName, Duration ruleClearAfter, long ruleClockMillis) {
        this.firingRule = ruleName;
        this.clearAfter = ruleClearAfter;
        this.clockMillis = ruleClockMillis;
    }

    /** Returns what was raised since the last call and forgets it. */
    List<RaisedAlert> drain() {
        if (raised.isEmpty()) {
            return List.of();
        }
        List<RaisedAlert> out = List.copyOf(raised);
        raised.clear();
        return out;
    }
}
