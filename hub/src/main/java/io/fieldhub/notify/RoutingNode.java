package io.fieldhub.notify;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A value of the routing file with the line it starts on, so every error can name its line. The value is a
 * {@code Map<String, RoutingNode>}, a {@code List<RoutingNode>}, the text of a scalar exactly as written (so
 * {@code +4915112345678} keeps its plus, and {@code 07:00} stays a time), or null.
 */
record RoutingNode(Object value, int line) {

    private static final YAMLFactory YAML = new YAMLFactory();

    /** Parses a whole file; {@code placeholders} resolves {@code ${...}} in every scalar. */
    static RoutingNode read(byte[] yaml, UnaryOperator<String> placeholders) {
        try (JsonParser p = YAML.createParser(yaml)) {
            if (p.nextToken() == null) {
                throw new RoutingException(1, "the file is empty; it needs at least 'people:' and 'rules:'");
            }
            RoutingNode root = node(p, placeholders);
            if (p.nextToken() != null) {
                throw new RoutingException(p.currentTokenLocation().getLineNr(), "one YAML document only (no '---')");
            }
            return root;
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 1 : e.getLocation().getLineNr();
            // the parser's message quotes the text with a caret under it on indented lines; keep its words
            throw new RoutingException(
                    line,
                    "not valid YAML: "
                            + String.join(
                                    "; ",
                                    e.getOriginalMessage()
                                            .lines()
                                            .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                                            .toList()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RoutingNode node(JsonParser p, UnaryOperator<String> placeholders) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken token = p.currentToken();
        if (token == JsonToken.START_OBJECT) {
            Map<String, RoutingNode> map = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int keyLine = p.currentTokenLocation().getLineNr();
                p.nextToken();
                if (map.put(key, node(p, placeholders)) != null) {
                    throw new RoutingException(keyLine, "'" + key + "' is given twice");
                }
            }
            return new RoutingNode(map, line);
        }
        if (token == JsonToken.START_ARRAY) {
            List<RoutingNode> list = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                list.add(node(p, placeholders));
            }
            return new RoutingNode(list, line);
        }
        if (token == JsonToken.VALUE_NULL) {
            return new RoutingNode(null, line);
        }
        try {
            return new RoutingNode(placeholders.apply(p.getText()), line);
        } catch (IllegalArgumentException e) {
            throw new RoutingException(line, e.getMessage());
        }
    }

    /** This mapping's entries, after checking that every key is among {@code allowed}. */
    Map<String, RoutingNode> map(String what, List<String> allowed) {
        Map<String, RoutingNode> map = map(what);
        for (var e : map.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw new RoutingException(
                        e.getValue().line(),
                        "unknown key '" + e.getKey() + "' in " + what + "; the keys are " + String.join(", ", allowed));
            }
        }
        return map;
    }

    /** This mapping's entries (keys are names the file chooses). */
    @SuppressWarnings("unchecked")
    Map<String, RoutingNode> map(String what) {
        if (!(value instanceof Map)) {
            throw new RoutingException(line, what + " must be a mapping of keys to values");
        }
        return (Map<String, RoutingNode>) value;
    }

    /** This list's items; a single scalar counts as a list of one ({@code severity: CRITICAL}). */
    @SuppressWarnings("unchecked")
    List<RoutingNode> list(String what) {
        if (value instanceof List) {
            return (List<RoutingNode>) value;
        }
        if (value instanceof String) {
            return List.of(this);
        }
        throw new RoutingException(line, what + " must be a value or a list of values");
    }

    /** This scalar's text, after checking it is one and not empty. */
    String text(String what) {
        if (!(value instanceof String s) || s.isBlank()) {
            throw new RoutingException(line, what + " must be a single value");
        }
        return s.strip();
    }

    /** This scalar as a whole number of at least {@code min}. */
    int number(String what, int min) {
        String text = text(what);
        try {
            int n = Integer.parseInt(text);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new RoutingException(line, what + " must be a whole number of at least " + min + ", not '" + text + "'");
    }
}
