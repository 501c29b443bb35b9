package io.fieldhub.rules.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A YAML value with the line it starts on, so that every error in a scenario file can name its line (Jackson's own
 * tree forgets where a value came from). The value is a {@code Map<String, YamlNode>}, a {@code List<YamlNode>}, a
 * String, a Number, a Boolean or null.
 */
record YamlNode(Object value, int line) {

    /**
     * A scenario file nests six deep (scenarios, a scenario, readings, a reading, metrics). The YAML scanner slows
     * with each open bracket ('[[[[...' to Jackson's default limit of 1000 took 70 ms); stopping at 32 keeps it fast.
     */
    private static final YAMLFactory YAML = YAMLFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(32).build())
            .build();

    private static final Pattern SNIPPET =
            Pattern.compile("\\s*in '[^']*', line (\\d+), column (\\d+):\\s*\\n.*\\n\\s*\\^");

    static YamlNode read(byte[] yaml) throws ScenarioFormatException {
        try (JsonParser p = YAML.createParser(yaml)) {
            return root(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static YamlNode root(JsonParser p) throws IOException, ScenarioFormatException {
        try {
            if (p.nextToken() == null) {
                throw new ScenarioFormatException(1, "the file is empty; it needs a 'scenarios:' list");
            }
            YamlNode root = node(p);
            if (p.nextToken() != null) {
                throw new ScenarioFormatException(lineOf(p), "one YAML document per file, please (remove the '---')");
            }
            return root;
        } catch (JsonProcessingException e) {
            // A read limit (nesting deeper than 1000) comes without a location; the parser knows where it stopped.
            JsonLocation at = e.getLocation() == null ? p.currentLocation() : e.getLocation();
            throw new ScenarioFormatException(
                    Math.max(1, at.getLineNr()), "not valid YAML: " + oneLine(e.getOriginalMessage()));
        }
    }

    private static YamlNode node(JsonParser p) throws IOException, ScenarioFormatException {
        int line = lineOf(p);
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, YamlNode> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = lineOf(p);
                    p.nextToken();
                    if (map.put(key, node(p)) != null) {
                        throw new ScenarioFormatException(keyLine, "'" + key + "' is given twice");
                    }
                }
                return new YamlNode(map, line);
            }
            case START_ARRAY -> {
                List<YamlNode> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(node(p));
                }
                return new YamlNode(list, line);
            }
            case VALUE_STRING -> {
                return new YamlNode(p.getText(), line);
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return new YamlNode(p.getNumberValue(), line);
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new YamlNode(token == JsonToken.VALUE_TRUE, line);
            }
            case VALUE_NULL -> {
                return new YamlNode(null, line);
            }
            default -> throw new ScenarioFormatException(line, "unexpected " + token);
        }
    }

    /** The YAML parser's message shows the line and a caret under the column; say the position in words instead. */
    private static String oneLine(String message) {
        return SNIPPET.matcher(message)
                .replaceAll(" (line $1, column $2)")
                .replaceAll("\\s+", " ")
                .strip();
    }

    private static int lineOf(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    /** This mapping's entries, after checking it is a mapping whose keys are all among {@code allowed}. */
    Map<String, YamlNode> map(String what, List<String> allowed) throws ScenarioFormatException {
        Map<String, YamlNode> map = map(what + " (" + String.join(", ", allowed) + ")");
        for (var e : map.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw new ScenarioFormatException(
                        e.getValue().line(),
                        "unknown key '" + e.getKey() + "' in " + what + "; the keys are " + String.join(", ", allowed));
            }
        }
        return map;
    }

    /** This mapping's entries, after checking it is a mapping. */
    @SuppressWarnings("unchecked")
    Map<String, YamlNode> map(String what) throws ScenarioFormatException {
        if (!(value instanceof Map)) {
            throw new ScenarioFormatException(line, what + " must be a mapping of keys to values");
        }
        return (Map<String, YamlNode>) value;
    }

    /** This list's items, after checking it is a list. */
    @SuppressWarnings("unchecked")
    List<YamlNode> list(String what) throws ScenarioFormatException {
        if (!(value instanceof List)) {
            throw new ScenarioFormatException(line, what + " must be a list (items starting with '- ', or [])");
        }
        return (List<YamlNode>) value;
    }

    /** This scalar as text (a number or true/false as written), after checking it is one and not empty. */
    String text(String what) throws ScenarioFormatException {
        if (value == null
                || value instanceof Map
                || value instanceof List
                || value.toString().isBlank()) {
            throw new ScenarioFormatException(line, what + " must be a single value");
        }
        return value.toString();
    }

    /** This scalar as a number, after checking it is one. */
    double number(String what) throws ScenarioFormatException {
        if (!(value instanceof Number n)) {
            throw new ScenarioFormatException(line, what + " must be a number, not '" + value + "'");
        }
        return n.doubleValue();
    }
}
