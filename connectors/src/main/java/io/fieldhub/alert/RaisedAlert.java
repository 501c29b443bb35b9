package io.fieldhub.alert;

import java.time.Instant;

/**
 * What a rule says when it fires for one message: the insight that becomes an action.
 *
 * @param ruleId    stable id of the rule (its name in DRL), part of the dedupe key with the message id
 * @param severity  INFO, WARNING or CRITICAL
 * @param deviceId  the device the alert is about
 * @param messageId the telemetry message that triggered it
 * @param metric    the metric that crossed a limit, or {@code null}
 * @param value     the metric's value, or {@code null}
 * @param threshold the limit it crossed, or {@code null}
 * @param text      a sentence for people: what happened and where
 * @param ts        device time of the triggering reading
 * @param traceId   trace id of the triggering message
 */
public record RaisedAlert(
        String ruleId,
        String severity,
        String deviceId,
        String messageId,
        String metric,
        Double value,
        Double threshold,
        String text,
        Instant ts,
        String traceId) {
}
