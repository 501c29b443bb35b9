package io.fieldhub.rules.policy;

/**
 * One thing in a rule file that the {@link RulePolicy} refuses.
 *
 * @param file    the rule file, relative to the rules folder
 * @param line    the line of a DRL file, the row of a decision table, or 0 when it has none
 * @param message what is not allowed and why, e.g. {@code java.nio is not allowed in a rule (file system access)}
 */
public record PolicyViolation(String file, int line, String message) {

    /** As build errors read: {@code fieldhub/x.drl:12: java.nio is not allowed in a rule (file system access)}. */
    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
