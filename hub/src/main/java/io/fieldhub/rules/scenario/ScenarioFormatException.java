package io.fieldhub.rules.scenario;

/** A scenario file that is not valid YAML or not in the scenario format, with the line (1-based) that shows it. */
final class ScenarioFormatException extends Exception {

    private final int line;

    ScenarioFormatException(int line, String message) {
        super(message);
        this.line = line;
    }

    int line() {
        return line;
    }
}
