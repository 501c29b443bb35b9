package io.fieldhub.failure;

import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.alert.RaisedAlert;
import java.time.Clock;
import java.util.List;

/**
 * The hub's alert about itself: one live alert of rule {@value #RULE_ID} on device {@value #DEVICE_ID}, raised and
 * cleared through the alert lifecycle like any rule's, so config/notifications.yaml routes it to email, SMS and the
 * CRM (match it with {@code rule: Store failing} or {@code device: fieldhub}).
 */
public class HubAlert {

    /** The device the hub's own alerts are about. */
    public static final String DEVICE_ID = "fieldhub";
    /** The rule name of the alert a permanent store failure raises. */
    public static final String RULE_ID = "Store failing";

    private static final String ACTOR = "hub";

    private final AlertLifecycle lifecycle;
    private final Clock clock;

    public HubAlert(AlertLifecycle lifecycle, Clock clock) {
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    /** Raises the alert (or counts one more on the live one), naming the first message the failure hit. */
    void raise(StoreFailure failure, String messageId, String traceId) {
        var alert = new RaisedAlert(
                RULE_ID,
                "CRITICAL",
                DEVICE_ID,
                messageId,
                null,
                null,
                null,
                failure.reason(),
                clock.instant(),
                traceId,
                null);
        lifecycle.applyOutsideMessages(List.of(alert), false);
    }

    /** Clears the live alert, if there is one, with {@code why} as its CLEARED transition's detail. */
    void clear(String why) {
        lifecycle.closeAlert(RULE_ID, DEVICE_ID, ACTOR, why);
    }
}
