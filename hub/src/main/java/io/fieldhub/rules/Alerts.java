package io.fieldhub.rules;

import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.telemetry.TelemetryRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code alerts} global that DRL consequences raise alerts on, for example
 * {@code alerts.raise("CRITICAL", "Engine is hot", $t, "temperature", 90.0)}.
 * The rule id is the name of the rule that is firing; {@link RuleEngine} sets it, so DRL never repeats it.
 */
public final class Alerts {

    private final List<RaisedAlert> raised = new ArrayList<>();
    private String firingRule;

    /** Raises an alert about {@code metric} of record {@code t} crossing {@code threshold}. */
    public void raise(String severity, String text, TelemetryRecord t, String metric, double threshold) {
        raised.add(new RaisedAlert(firingRule, severity, t.deviceId(), t.messageId(),
                metric, t.metric(metric), threshold, text, t.ts(), t.traceId(), null));
    }

    /** Raises an alert about record {@code t} that is not tied to one metric's limit. */
    public void raise(String severity, String text, TelemetryRecord t) {
        raised.add(new RaisedAlert(firingRule, severity, t.deviceId(), t.messageId(),
                null, null, null, text, t.ts(), t.traceId(), null));
    }

    void firing(String ruleName) {
        this.firingRule = ruleName;
    }

    List<RaisedAlert> raised() {
        return List.copyOf(raised);
    }
}
