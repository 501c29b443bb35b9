package io.fieldhub.rules;

import io.fieldhub.alert.RaisedAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code alerts} global that rule consequences raise alerts on, for example
 * {@code alerts.raise("CRITICAL", "Engine is hot", $r, "temperature", 90.0)}. The rule id is the name of the rule
 * that is firing and its {@code @clearAfter} attribute; {@link RulePartition} sets both, so DRL never repeats them.
 */
public final class Alerts {

    private final List<RaisedAlert> raised = new ArrayList<>();
    private String firingRule;
    private Duration clearAfter;
    private Map<String, Duration> clearAfterByRule = Map.of();
    private long clockMillis;
    private Reading current;

    /** Raises an alert about {@code metric} of reading {@code r} crossing {@code threshold}. */
    public void raise(String severity, String text, Reading r, String metric, double threshold) {
        raise(severity, text, r, metric, r.metric(metric), threshold);
    }

    /** Raises an alert about a value derived from reading {@code r} (an average, a rate) crossing a limit. */
    public void raise(String severity, String text, Reading r, String metric, Number value, double threshold) {
        var t = r.getRecord();
        raised.add(new RaisedAlert(
                firingRule,
                severity,
                t.deviceId(),
                t.messageId(),
                metric,
                value == null ? null : value.doubleValue(),
                threshold,
                text,
                t.ts(),
                t.traceId(),
                clearAfter));
    }

    /** Raises an alert about reading {@code r} that is not tied to one metric's limit. */
    public void raise(String severity, String text, Reading r) {
        var t = r.getRecord();
        raised.add(new RaisedAlert(
                firingRule,
                severity,
                t.deviceId(),
                t.messageId(),
                null,
                null,
                null,
                text,
                t.ts(),
                t.traceId(),
                clearAfter));
    }

    /**
     * Raises an alert about a device (a window over its readings, or its silence). When the rules are evaluating a
     * reading of that device, the alert names it; otherwise (the rule clock moved) it is timed by the rule clock.
     */
    public void raise(String severity, String text, Device d) {
        raise(severity, text, d, null, null, null);
    }

    /** Raises an alert about a device whose {@code metric}, summarised over a window as {@code value}, crossed a limit. */
    public void raise(String severity, String text, Device d, String metric, Number value, Double threshold) {
        Reading r = current != null && current.getDeviceId().equals(d.getId()) ? current : null;
        raised.add(new RaisedAlert(
                firingRule,
                severity,
                d.getId(),
                r == null ? null : r.getMessageId(),
                metric,
                value == null ? null : value.doubleValue(),
                threshold,
                text,
                r == null ? Instant.ofEpochMilli(clockMillis) : r.getRecord().ts(),
                r == null ? null : r.getRecord().traceId(),
                clearAfter));
    }

    /** The reading being evaluated, or {@code null} while the rule clock alone moves. */
    void evaluating(Reading reading) {
        this.current = reading;
    }

    /** The rules now in force: each alert carries its rule's {@code @clearAfter} from them. */
    void rulesIn(RuleSet rules) {
        this.clearAfterByRule = rules.clearAfter();
    }

    void firing(String ruleName, long ruleClockMillis) {
        this.firingRule = ruleName;
        this.clearAfter = clearAfterByRule.get(ruleName);
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
