package io.fieldhub.rules;

/**
 * A rule that failed on a reading: it threw in a condition or a consequence, or fired more than
 * {@code hub.rules.max-firings} times for one reading. The reading is stored all the same.
 *
 * @param ruleId    the rule's name, or {@code null} when Drools does not say which condition failed
 * @param deviceId  the reading's device ({@code null} for a clock tick)
 * @param messageId the reading's message id ({@code null} for a clock tick)
 * @param phase     {@code condition}, {@code consequence} or {@code budget}
 * @param error     what went wrong, for the rule's author
 */
public record RuleError(String ruleId, String deviceId, String messageId, String phase, String error) {}
