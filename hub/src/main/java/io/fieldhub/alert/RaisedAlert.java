package io.fieldhub.alert;

import java.time.Duration;
import java.time.Instant;

/**
 * What a rule says when it fires for one message: the insight that becomes an action.
 *
 * @param ruleId    stable id of the rule (its name in DRL); with the device, the key of the one open alert
 * @param severity  INFO, WARNING or CRITICAL
 * @param deviceId  the device the alert is about
 * @param messageId the telemetry message that triggered it, or {@code null} for a rule that fired on time
 *                  alone (a device gone silent)
 * @param metric    the metric that crossed a limit, or {@code null}
 * @param value     the metric's value, or {@code null}
 * @param threshold the limit it crossed, or {@code null}
 * @param text      a sentence for people: what happened and where
 * @param ts        device time of the triggering reading (rule clock time when no reading triggered it)
 * @param traceId   trace id of the triggering message, or {@code null}
 * @param clearAfter how long the rule must stay quiet for the device before its alert clears (the rule's
 *                  {@code @clearAfter} attribute), or {@code null} for the hub's default
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
        String traceId,
        Duration clearAfter) {}
