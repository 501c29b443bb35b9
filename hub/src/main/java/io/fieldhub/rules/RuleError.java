package io.fieldhub.rules;

/**
 * A rule that failed on a reading: it threw in a condition or a consequence, fired more than
 * {@code hub.rules.max-firings} times for one reading, or ran past {@code hub.rules.max-evaluation-time}. The reading
 * is stored all the same.
 *
 * @param ruleId    the rule's name, or {@code null} when Drools does not say which condition failed (or looped)
 * @param deviceId  the reading's device ({@code null} for a clock tick)
 * @param messageId the reading's message id ({@code null} for a clock tick)
 * @param phase     {@code condition}, {@code consequence}, {@code budget} (firings) or {@code time}
 * @param error     what went wrong, for the rule's author
 */
public record RuleError(String ruleId, String deviceId, String messageId, String phase, String error) {

    /** The innermost cause of {@code e}, as its class and message: what a rule author needs to see. */
    static String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
