package io.fieldhub.failure;

import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.alert.RaisedAlert;
import java.time.Clock;
import java.util.List;

/**
 * The hub's alert about itself: one live alert of rule {@value #RULE_ID} on device {@value #DEVICE_ID}, raised and
 * cleared through the alert lifecycle like any rule's, so config/notifications.yaml routes it to email, SMS and the
 * CRM (match it with {@code rule: Store failing} or {@code device: fieldhub}). A background job that fails
 * permanently raises one of its own, rule {@value #JOB_RULE_PREFIX} and the job's route id.
 */
public class HubAlert {

    /** The device the hub's own alerts are about. */
    public static final String DEVICE_ID = "fieldhub";
    /** The rule name of the alert a permanent store failure raises. */
    public static final String RULE_ID = "Store failing";

    private static final String ACTOR = "hub";

    /** The rule name of the alerts a background job's permanent failure raises: the prefix, then the route id. */
    public static final String JOB_RULE_PREFIX = "Job failing: ";

    private final AlertLifecycle lifecycle;
    private final Clock clock;
    private final String ruleId;

    public HubAlert(AlertLifecycle lifecycle, Clock clock) {
        this(lifecycle, clock, RULE_ID);
    }

    /** The hub's alert under another rule name, e.g. one per background job. */
    public HubAlert(AlertLifecycle lifecycle, Clock clock, String ruleId) {
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.ruleId = ruleId;
    }

    /** The same alert under another rule name. */
    HubAlert named(String otherRuleId) {
        return new HubAlert(lifecycle, clock, otherRuleId);
    }

    /** Raises the alert (or counts one more on the live one), naming the first message the failure hit. */
    void raise(StoreFailure failure, String messageId, String traceId) {
        raise(failure.reason(), messageId, traceId);
    }

    /** Raises the alert with {@code text}; {@code messageId} and {@code traceId} may be null. */
    void raise(String text, String messageId, String traceId) {
        var alert = new RaisedAlert(
                ruleId, "CRITICAL", DEVICE_ID, messageId, null, null, null, text, clock.instant(), traceId, null);
        lifecycle.applyOutsideMessages(List.of(alert), false);
    }

    /** Clears the live alert, if there is one, with {@code why} as its CLEARED transition's detail. */
    void clear(String why) {
        lifecycle.closeAlert(ruleId, DEVICE_ID, ACTOR, why);
    }
}
