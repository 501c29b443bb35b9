package io.fieldhub.rules.scenario;

import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.rules.scenario.Scenario.Expectation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Compares what fired in a scenario with what it expects, in sentences a rule author can act on. */
final class ScenarioCheck {

    /** An alert raised during a scenario, and the step (hub time after the start) that raised it. */
    record Fired(RaisedAlert alert, Duration at) {

        String key() {
            return Expectation.key(alert.ruleId(), alert.deviceId());
        }
    }

    private ScenarioCheck() {}

    /** The problems, each naming the file and line of its expectation: empty when exactly the expected (rule, device) pairs fired, as often and as described. */
    static List<String> problems(String file, Scenario scenario, List<Fired> fired, Set<String> ruleNames) {
        Map<String, List<Fired>> byKey =
                fired.stream().collect(Collectors.groupingBy(Fired::key, LinkedHashMap::new, Collectors.toList()));
        List<String> problems = new ArrayList<>();
        for (Expectation e : scenario.expectations()) {
            String where = file + ":" + e.line() + ": ";
            if (!ruleNames.contains(e.rule())) {
                problems.add(where + "there is no rule named '" + e.rule() + "' in the rule set"
                        + suggest(e.rule(), ruleNames));
            }
            List<Fired> got = byKey.remove(e.key());
            if (got == null) {
                problems.add(where + "expected " + e.key() + " to fire, but it did not");
                continue;
            }
            if (e.count() != null && got.size() != e.count()) {
                problems.add(where + "expected " + e.key() + " to fire " + times(e.count()) + ", but it fired "
                        + times(got.size()) + " (at " + ats(got) + ")");
            }
            if (e.severity() != null
                    && got.stream().anyMatch(f -> !e.severity().equals(f.alert().severity()))) {
                problems.add(
                        where + "expected " + e.key() + " to be " + e.severity() + ", but it was " + severities(got));
            }
            if (e.textContains() != null) {
                got.stream()
                        .filter(f -> !String.valueOf(f.alert().text()).contains(e.textContains()))
                        .findFirst()
                        .ifPresent(f -> problems.add(
                                where + "expected the text of " + e.key() + " to contain \"" + e.textContains()
                                        + "\", but it was \"" + f.alert().text() + "\""));
            }
        }
        byKey.forEach(
                (key, got) -> problems.add(file + ":" + scenario.line() + ": " + key + " fired " + times(got.size())
                        + " (at " + ats(got) + ", \"" + got.get(0).alert().text() + "\") but was not expected"));
        if (!problems.isEmpty()) {
            problems.add("expected: " + expected(scenario.expectations()) + "; fired: " + fired(fired));
        }
        return problems;
    }

    private static String expected(List<Expectation> expectations) {
        if (expectations.isEmpty()) {
            return "no alert";
        }
        return expectations.stream()
                .map(e -> e.key()
                        + (e.severity() == null ? "" : " " + e.severity())
                        + (e.count() == null ? "" : " " + times(e.count())))
                .collect(Collectors.joining(", "));
    }

    private static String fired(List<Fired> fired) {
        if (fired.isEmpty()) {
            return "no alert";
        }
        return fired.stream()
                .collect(Collectors.groupingBy(Fired::key, LinkedHashMap::new, Collectors.toList()))
                .entrySet()
                .stream()
                .map(e -> e.getKey() + " " + severities(e.getValue()) + " "
                        + times(e.getValue().size()) + " at " + ats(e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static String times(int n) {
        return n == 1 ? "once" : n + " times";
    }

    private static String ats(Collection<Fired> fired) {
        return fired.stream().map(f -> Durations.format(f.at())).distinct().collect(Collectors.joining(", "));
    }

    private static String severities(Collection<Fired> fired) {
        return fired.stream().map(f -> f.alert().severity()).distinct().collect(Collectors.joining("/"));
    }

    /** The closest rule name, for a typo, or nothing when none is close. */
    private static String suggest(String name, Set<String> ruleNames) {
        return ruleNames.stream()
                .min(Comparator.comparingInt(r -> distance(r.toLowerCase(), name.toLowerCase())))
                .filter(r -> distance(r.toLowerCase(), name.toLowerCase()) <= Math.max(2, name.length() / 4))
                .map(r -> " (did you mean '" + r + "'?)")
                .orElse("");
    }

    private static int distance(String a, String b) {
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            row[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int above = row[j];
                row[j] = Math.min(
                        Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length()];
    }
}
