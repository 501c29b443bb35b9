package io.fieldhub.notify;

import io.fieldhub.notify.Routing.Person;
import io.fieldhub.notify.Routing.RateLimit;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.springframework.boot.convert.DurationStyle;

/**
 * Reads {@code config/notifications.yaml} into a {@link Routing}, refusing anything it cannot use with the line and
 * the reason: an unknown key, recipient, channel or time zone, a phone number that is not E.164, a time that is not
 * a time of day, an SMS to someone without a phone.
 */
final class RoutingParser {

    private static final List<String> TOP =
            List.of("people", "groups", "rules", "escalation", "quiet-hours", "rate-limits");
    private static final List<String> MATCH =
            List.of("severity", "rule", "device", "group", "site", "type", "transition");
    private static final Set<String> PEOPLE_CHANNELS = Set.of(Routing.EMAIL, Routing.SMS);
    private static final Set<String> CHANNELS = Set.of(Routing.EMAIL, Routing.SMS, Routing.CRM);
    private static final Set<String> DEFAULT_TRANSITIONS = Set.of("RAISED", "ESCALATED", "CLEARED");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("H:mm");

    private final RoutingRecipients recipients = new RoutingRecipients();

    private RoutingParser() {}

    /** @param placeholders resolves {@code ${...}} in values, e.g. from the hub's settings and the environment */
    static Routing parse(byte[] yaml, UnaryOperator<String> placeholders) {
        return new RoutingParser().routing(RoutingNode.read(yaml, placeholders));
    }

    private Routing routing(RoutingNode root) {
        Map<String, RoutingNode> top = root.map("the routing file", TOP);
        if (!top.containsKey("rules")) {
            throw new RoutingException(root.line(), "'rules:' is missing (write 'rules: []' to notify nobody)");
        }
        if (top.containsKey("people")) {
            top.get("people").map("'people'").forEach(recipients::person);
        }
        if (top.containsKey("groups")) {
            top.get("groups").map("'groups'").forEach(recipients::group);
        }
        List<Routing.Rule> rules = new ArrayList<>();
        for (RoutingNode node : top.get("rules").list("'rules'")) {
            rules.add(rule(node));
        }
        List<Routing.Tier> tiers = new ArrayList<>();
        Set<Integer> seen = new LinkedHashSet<>();
        for (RoutingNode node :
                top.containsKey("escalation") ? top.get("escalation").list("'escalation'") : List.<RoutingNode>of()) {
            Routing.Tier tier = tier(node);
            if (!seen.add(tier.tier())) {
                throw new RoutingException(node.line(), "escalation tier " + tier.tier() + " is given twice");
            }
            tiers.add(tier);
        }
        List<QuietHours> quiet = new ArrayList<>();
        for (RoutingNode node : top.containsKey("quiet-hours")
                ? top.get("quiet-hours").list("'quiet-hours'")
                : List.<RoutingNode>of()) {
            quiet.add(quietHours(node));
        }
        Map<String, RateLimit> limits = new TreeMap<>();
        if (top.containsKey("rate-limits")) {
            top.get("rate-limits")
                    .map("'rate-limits'")
                    .forEach((channel, node) ->
                            limits.put(channel(channel, node.line(), PEOPLE_CHANNELS, "rate limits"), rateLimit(node)));
        }
        return new Routing(recipients.people(), rules, tiers, quiet, limits);
    }

    private Routing.Rule rule(RoutingNode node) {
        Map<String, RoutingNode> keys = node.map("a rule", List.of("name", "match", "channels", "to"));
        String name = keys.containsKey("name") ? keys.get("name").text("'name'") : "rule at line " + node.line();
        AlertMatch match = match(keys.get("match"), MATCH, DEFAULT_TRANSITIONS);
        Set<String> channels = channels(keys, node, CHANNELS);
        return new Routing.Rule(name, match, channels, to(keys, node, channels));
    }

    private Routing.Tier tier(RoutingNode node) {
        Map<String, RoutingNode> keys = node.map("an escalation tier", List.of("tier", "match", "channels", "to"));
        if (!keys.containsKey("tier")) {
            throw new RoutingException(node.line(), "an escalation tier needs 'tier:' (1 for the first escalation)");
        }
        int tier = keys.get("tier").number("'tier'", 1);
        AlertMatch match = match(keys.get("match"), MATCH.subList(0, MATCH.size() - 1), Set.of());
        Set<String> channels = channels(keys, node, CHANNELS);
        return new Routing.Tier(tier, match, channels, to(keys, node, channels));
    }

    private QuietHours quietHours(RoutingNode node) {
        Map<String, RoutingNode> keys =
                node.map("quiet hours", List.of("name", "from", "to", "zone", "channels", "people", "except"));
        for (String key : List.of("from", "to", "zone", "channels")) {
            if (!keys.containsKey(key)) {
                throw new RoutingException(node.line(), "quiet hours need '" + key + ":'");
            }
        }
        String name = keys.containsKey("name") ? keys.get("name").text("'name'") : "quiet hours at line " + node.line();
        LocalTime from = time(keys.get("from"), "from");
        LocalTime to = time(keys.get("to"), "to");
        if (from.equals(to)) {
            throw new RoutingException(keys.get("to").line(), "quiet hours from " + from + " to " + to + " are empty");
        }
        Set<String> people = new LinkedHashSet<>();
        if (keys.containsKey("people")) {
            recipients.resolve(keys.get("people"), Set.of()).forEach(p -> people.add(p.name()));
        }
        AlertMatch except = keys.containsKey("except") ? match(keys.get("except"), MATCH, Set.of()) : null;
        return new QuietHours(
                name, from, to, zone(keys.get("zone")), channels(keys, node, PEOPLE_CHANNELS), people, except);
    }

    private static RateLimit rateLimit(RoutingNode node) {
        Map<String, RoutingNode> keys = node.map("a rate limit", List.of("max", "per"));
        if (!keys.containsKey("max") || !keys.containsKey("per")) {
            throw new RoutingException(node.line(), "a rate limit needs 'max:' and 'per:' ({max: 5, per: 1h})");
        }
        Duration per = duration(keys.get("per"));
        if (per.toSeconds() < 1) {
            throw new RoutingException(keys.get("per").line(), "'per' must be at least 1s");
        }
        return new RateLimit(keys.get("max").number("'max'", 1), per);
    }

    private List<Person> to(Map<String, RoutingNode> keys, RoutingNode node, Set<String> channels) {
        Set<String> personal = new LinkedHashSet<>(channels);
        personal.remove(Routing.CRM);
        if (personal.isEmpty()) {
            if (keys.containsKey("to")) {
                throw new RoutingException(
                        keys.get("to").line(),
                        "'to' has no use with channel crm alone (a case" + " goes to the CRM); remove it");
            }
            return List.of();
        }
        if (!keys.containsKey("to")) {
            throw new RoutingException(
                    node.line(), "'to:' is missing: who gets the " + String.join(" and ", personal) + "?");
        }
        return recipients.resolve(keys.get("to"), personal);
    }

    private static Set<String> channels(Map<String, RoutingNode> keys, RoutingNode node, Set<String> allowed) {
        if (!keys.containsKey("channels")) {
            throw new RoutingException(
                    node.line(), "'channels:' is missing (" + String.join(", ", new TreeSet<>(allowed)) + ")");
        }
        Set<String> channels = new LinkedHashSet<>();
        for (RoutingNode c : keys.get("channels").list("'channels'")) {
            channels.add(channel(c.text("a channel"), c.line(), allowed, "'channels'"));
        }
        return channels;
    }

    private static String channel(String channel, int line, Set<String> allowed, String where) {
        if (!allowed.contains(channel)) {
            throw new RoutingException(
                    line,
                    "unknown channel '" + channel + "' in " + where + "; the channels are "
                            + String.join(", ", new TreeSet<>(allowed)));
        }
        return channel;
    }

    /**
     * @param keys     the conditions allowed here (a tier is about ESCALATED transitions only, so no 'transition')
     * @param fallback the transitions matched when none are given
     */
    private static AlertMatch match(RoutingNode node, List<String> keys, Set<String> fallback) {
        Map<String, RoutingNode> m = node == null ? Map.of() : node.map("'match'", keys);
        Set<String> transitions = upper(m.get("transition"), AlertMatch.TRANSITIONS, "transition");
        return new AlertMatch(
                upper(m.get("severity"), AlertMatch.SEVERITIES, "severity"),
                globs(m.get("rule")),
                globs(m.get("device")),
                globs(m.get("group")),
                globs(m.get("site")),
                globs(m.get("type")),
                transitions.isEmpty() ? fallback : transitions);
    }

    private static Set<String> upper(RoutingNode node, Set<String> allowed, String what) {
        Set<String> values = new LinkedHashSet<>();
        for (RoutingNode v : node == null ? List.<RoutingNode>of() : node.list("'" + what + "'")) {
            String value = v.text(what).toUpperCase(Locale.ROOT);
            if (!allowed.contains(value)) {
                throw new RoutingException(
                        v.line(),
                        "unknown " + what + " '" + v.text(what) + "'; it is one of "
                                + String.join(", ", new TreeSet<>(allowed)));
            }
            values.add(value);
        }
        return values;
    }

    private static List<Pattern> globs(RoutingNode node) {
        List<Pattern> globs = new ArrayList<>();
        for (RoutingNode v : node == null ? List.<RoutingNode>of() : node.list("a match")) {
            globs.add(AlertMatch.glob(v.text("a match value")));
        }
        return globs;
    }

    private static LocalTime time(RoutingNode node, String what) {
        String text = node.text("'" + what + "'");
        try {
            return LocalTime.parse(text, TIME);
        } catch (DateTimeParseException e) {
            throw new RoutingException(
                    node.line(), "'" + what + "' must be a time of day like 22:00, not '" + text + "'");
        }
    }

    private static ZoneId zone(RoutingNode node) {
        String text = node.text("'zone'");
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw new RoutingException(
                    node.line(), "unknown time zone '" + text + "'; write a region like" + " Europe/Berlin, or UTC");
        }
    }

    private static Duration duration(RoutingNode node) {
        String text = node.text("'per'");
        try {
            return DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException e) {
            throw new RoutingException(node.line(), "'per' must be a duration like 30m, 1h or 1d, not '" + text + "'");
        }
    }
}
