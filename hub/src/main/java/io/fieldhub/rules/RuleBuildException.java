package io.fieldhub.rules;

/** The rule files did not compile; the message lists every error as {@code file:line: text}. */
public class RuleBuildException extends RuntimeException {

    public RuleBuildException(String message) {
        super(message);
    }

    public RuleBuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
