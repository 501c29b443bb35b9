package io.fieldhub.notify;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which alert transitions a routing rule, an escalation tier or a quiet-hours exception is about. Every condition
 * given must hold; a condition holds when any of its values does; an empty condition holds always. Names may use
 * the globs {@code *} and {@code ?} ({@code device: engine-*}).
 */
record AlertMatch(
        Set<String> severities,
        List<Pattern> rules,
        List<Pattern> devices,
        List<Pattern> groups,
        List<Pattern> sites,
        List<Pattern> types,
        Set<String> transitions) {

    static final Set<String> SEVERITIES = Set.of("INFO", "WARNING", "CRITICAL");
    static final Set<String> TRANSITIONS = Set.of("RAISED", "ESCALATED", "CLEARED", "ACKNOWLEDGED");

    boolean matches(AlertFacts f) {
        return (severities.isEmpty() || severities.contains(f.severity()))
                && (transitions.isEmpty() || transitions.contains(f.transition()))
                && any(rules, f.ruleId())
                && any(devices, f.deviceId())
                && any(groups, f.group())
                && any(sites, f.site())
                && any(types, f.type());
    }

    private static boolean any(List<Pattern> patterns, String value) {
        if (patterns.isEmpty()) {
            return true;
        }
        return value != null && patterns.stream().anyMatch(p -> p.matcher(value).matches());
    }

    /** A glob as a pattern: {@code *} any run of characters, {@code ?} one character, the rest literally. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString());
    }
}
