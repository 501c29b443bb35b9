package io.fieldhub.rules.scenario;

import java.util.List;

/**
 * The outcome of one scenario of a scenario file: passed, or the problems found, each a sentence that says what was
 * expected and what fired (or, for a malformed file, the line and what is wrong with it).
 *
 * @param file     the scenario file, relative to the rules folder ({@code tests/engine-limits.yaml})
 * @param scenario the scenario's name, or {@code (file)} when the file as a whole could not be read
 * @param passed   whether the rules raised exactly the expected alerts
 * @param problems why it did not pass; empty when it passed
 */
public record ScenarioResult(String file, String scenario, boolean passed, List<String> problems) {

    public ScenarioResult {
        problems = List.copyOf(problems);
    }

    /** One paragraph for a test report or an API answer: file, scenario and every problem on its own line. */
    public String describe() {
        StringBuilder out =
                new StringBuilder(file).append(" › ").append(scenario).append(passed ? ": passed" : ": FAILED");
        problems.forEach(p -> out.append("\n  - ").append(p));
        return out.toString();
    }
}
