package io.fieldhub.rules.scenario;

import io.fieldhub.rules.scenario.Scenario.Expectation;
import io.fieldhub.rules.scenario.Scenario.Step;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the scenario format of {@code rules/README.md}, checking every key and value and naming the line of a fault. */
final class ScenarioParser {

    static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");
    static final List<String> SEVERITIES = List.of("INFO", "WARNING", "CRITICAL");

    private static final List<String> FILE_KEYS = List.of("scenarios");
    private static final List<String> SCENARIO_KEYS = List.of("name", "start", "readings", "expect");
    private static final List<String> STEP_KEYS = List.of("at", "device", "metrics", "tags", "ts", "id");
    private static final List<String> EXPECT_KEYS = List.of("rule", "device", "severity", "count", "text");

    private final Set<String> names = new HashSet<>();

    /** The file's scenarios, each still to be read on its own so that one bad scenario spoils only itself. */
    static List<YamlNode> scenarioNodes(byte[] yaml) throws ScenarioFormatException {
        Map<String, YamlNode> root = YamlNode.read(yaml).map("a scenario file", FILE_KEYS);
        YamlNode scenarios = required(root, "scenarios", "a scenario file", 1);
        List<YamlNode> list = scenarios.list("'scenarios'");
        if (list.isEmpty()) {
            throw new ScenarioFormatException(scenarios.line(), "'scenarios' is empty; add at least one");
        }
        return list;
    }

    /** The scenario's name as far as it can be read, for reporting a scenario that cannot be. */
    static String nameOf(YamlNode scenario, int index) {
        if (scenario.value() instanceof Map<?, ?> map
                && map.get("name") instanceof YamlNode name
                && name.value() instanceof String s
                && !s.isBlank()) {
            return s;
        }
        return "scenario " + (index + 1);
    }

    /** Reads one scenario; names must be unique within the file this parser reads. */
    Scenario scenario(YamlNode node) throws ScenarioFormatException {
        Map<String, YamlNode> map = node.map("a scenario", SCENARIO_KEYS);
        YamlNode nameNode = required(map, "name", "a scenario", node.line());
        String name = nameNode.text("'name'");
        if (!names.add(name)) {
            throw new ScenarioFormatException(
                    nameNode.line(), "another scenario in this file is called '" + name + "'; give each its own name");
        }
        Instant start = map.containsKey("start") ? instant(map.get("start")) : DEFAULT_START;
        List<Step> steps = new ArrayList<>();
        Duration last = Duration.ZERO;
        for (YamlNode item :
                required(map, "readings", "a scenario", node.line()).list("'readings'")) {
            Step step = step(item, steps.size() + 1);
            if (!playable(start, step)) {
                throw new ScenarioFormatException(
                        item.line(),
                        "'at' or 'ts' puts this step past the last instant a clock can show;"
                                + " a scenario plays out within hours or days of its start");
            }
            if (step.at().compareTo(last) < 0) {
                throw new ScenarioFormatException(
                        item.line(),
                        "'at: " + Durations.format(step.at())
                                + "' is before the step above it (" + Durations.format(last)
                                + "); hub time only moves forward. For a late reading, give it 'ts: -2m' instead");
            }
            last = step.at();
            steps.add(step);
        }
        YamlNode expect = map.get("expect");
        if (expect == null) {
            throw new ScenarioFormatException(
                    node.line(),
                    "a scenario needs 'expect:', the alerts it expects" + " (write 'expect: []' for none)");
        }
        List<Expectation> expectations = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (YamlNode item : expect.list("'expect'")) {
            Expectation e = expectation(item);
            if (!keys.add(e.key())) {
                throw new ScenarioFormatException(
                        item.line(),
                        e.key() + " is expected twice; use 'count: n' for" + " a rule that fires several times");
            }
            expectations.add(e);
        }
        return new Scenario(name, start, steps, expectations, node.line());
    }

    private static Step step(YamlNode node, int number) throws ScenarioFormatException {
        Map<String, YamlNode> map = node.map("a reading", STEP_KEYS);
        Duration at = duration(required(map, "at", "a reading", node.line()), "'at'");
        if (at.isNegative()) {
            throw new ScenarioFormatException(
                    node.line(),
                    "'at' is hub time after the scenario's start: it cannot"
                            + " be negative (for a late reading, give it 'ts: -2m')");
        }
        if (!map.containsKey("device")) {
            for (String key : List.of("metrics", "tags", "ts", "id")) {
                if (map.containsKey(key)) {
                    throw new ScenarioFormatException(
                            map.get(key).line(),
                            "'" + key + "' needs a 'device'" + " (a step without a device only moves the clock)");
                }
            }
            return new Step(at, null, Map.of(), Map.of(), Duration.ZERO, null, node.line());
        }
        String device = map.get("device").text("'device'");
        YamlNode metricsNode = required(map, "metrics", "a reading", node.line());
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (var e : metricsNode.map("'metrics'").entrySet()) {
            metrics.put(e.getKey(), e.getValue().number("metric '" + e.getKey() + "'"));
        }
        if (metrics.isEmpty()) {
            throw new ScenarioFormatException(metricsNode.line(), "'metrics' is empty; a reading needs at least one");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        if (map.containsKey("tags")) {
            YamlNode tagsNode = map.get("tags");
            for (var e : tagsNode.map("'tags'").entrySet()) {
                tags.put(e.getKey(), e.getValue().text("tag '" + e.getKey() + "'"));
            }
        }
        Duration deviceTime = map.containsKey("ts") ? duration(map.get("ts"), "'ts'") : Duration.ZERO;
        String id = map.containsKey("id") ? map.get("id").text("'id'") : "reading-" + number;
        return new Step(at, device, metrics, tags, deviceTime, id, node.line());
    }

    /** Whether the step's hub time and device time are instants. */
    private static boolean playable(Instant start, Step step) {
        try {
            start.plus(step.at()).plus(step.deviceTime());
            return true;
        } catch (DateTimeException | ArithmeticException e) {
            return false;
        }
    }

    private static Expectation expectation(YamlNode node) throws ScenarioFormatException {
        Map<String, YamlNode> map = node.map("an expected alert", EXPECT_KEYS);
        String rule = required(map, "rule", "an expected alert", node.line()).text("'rule'");
        String device =
                required(map, "device", "an expected alert", node.line()).text("'device'");
        String severity = null;
        if (map.containsKey("severity")) {
            severity = map.get("severity").text("'severity'");
            if (!SEVERITIES.contains(severity)) {
                throw new ScenarioFormatException(
                        map.get("severity").line(),
                        "'severity' is one of " + String.join(", ", SEVERITIES) + ", not '" + severity + "'");
            }
        }
        Integer count = null;
        if (map.containsKey("count")) {
            YamlNode c = map.get("count");
            if (!(c.value() instanceof Integer n) || n < 1) {
                throw new ScenarioFormatException(
                        c.line(),
                        "'count' is how many times the rule fires: a whole"
                                + " number of 1 or more (expect nothing of a rule by leaving it out)");
            }
            count = n;
        }
        String text = map.containsKey("text") ? map.get("text").text("'text'") : null;
        return new Expectation(rule, device, severity, count, text, node.line());
    }

    private static YamlNode required(Map<String, YamlNode> map, String key, String what, int line)
            throws ScenarioFormatException {
        YamlNode node = map.get(key);
        if (node == null) {
            throw new ScenarioFormatException(line, what + " needs '" + key + "'");
        }
        return node;
    }

    private static Duration duration(YamlNode node, String what) throws ScenarioFormatException {
        Duration d = node.value() == null ? null : Durations.parse(node.value().toString());
        if (d == null) {
            throw new ScenarioFormatException(
                    node.line(),
                    what + " must be a duration such as 0s, 90s, 5m or" + " 1h30m, not '" + node.value() + "'");
        }
        return d;
    }

    private static Instant instant(YamlNode node) throws ScenarioFormatException {
        try {
            return Instant.parse(node.text("'start'"));
        } catch (DateTimeParseException e) {
            throw new ScenarioFormatException(
                    node.line(),
                    "'start' must be a UTC time such as" + " 2026-01-01T08:00:00Z, not '" + node.value() + "'");
        }
    }
}
