package io.fieldhub.rules;

import java.util.List;

/** A rule set did not compile; {@link #errors()} says where, and the message lists them as {@code file:line: text}. */
public class RuleBuildException extends RuntimeException {

    private final transient List<BuildError> errors;

    public RuleBuildException(String message, List<BuildError> errors) {
        super(message);
        this.errors = List.copyOf(errors);
    }

    public RuleBuildException(String message, Throwable cause) {
        super(message, cause);
        this.errors = List.of(new BuildError(null, 0, message));
    }

    public List<BuildError> errors() {
        return errors;
    }

    /**
     * One compile error.
     *
     * @param file the rule file, relative to the rules folder ({@code null} when the error has no file)
     * @param line its line, or 0 when unknown
     */
    public record BuildError(String file, int line, String message) {

        @Override
        public String toString() {
            return (file == null ? "(rule set)" : file) + ":" + line + ": " + message;
        }
    }
}
