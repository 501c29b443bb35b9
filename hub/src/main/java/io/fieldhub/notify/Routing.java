package io.fieldhub.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who gets what, as {@code config/notifications.yaml} says it (see that file for the format): routing rules,
 * escalation tiers, quiet hours and rate limits, over the people it names. Immutable; the routing in force is
 * swapped as a whole on reload.
 */
public final class Routing {

    public static final String EMAIL = "email";
    public static final String SMS = "sms";
    public static final String CRM = "crm";
    /** The CRM's recipient and address: the case of the alert. */
    public static final String CRM_RECIPIENT = "crm";

    public static final String CRM_ADDRESS = "Case";

    /** A person, with an email address and/or an E.164 phone number. */
    record Person(String name, String email, String phone) {
        String address(String channel) {
            return channel.equals(EMAIL) ? email : phone;
        }
    }

    /** A routing rule: matching transitions go to these people over these channels (crm: to the case). */
    record Rule(String name, AlertMatch match, Set<String> channels, List<Person> to) {}

    /** An escalation tier: ESCALATED transitions to this tier also go to these people over these channels. */
    record Tier(int tier, AlertMatch match, Set<String> channels, List<Person> to) {}

    /**
     * At most {@code max} notifications per recipient of a channel in each window of {@code per}; the rest is held
     * and sent as one digest when the window ends. Windows are aligned to the epoch (1h: 10:00 to 11:00 UTC).
     */
    public record RateLimit(int max, Duration per) {

        /** The start of the window {@code at} falls in. */
        public Instant windowStart(Instant at) {
            long per = this.per.toMillis();
            return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), per) * per);
        }

        @Override
        public String toString() {
            return max + " per " + per.toString().substring(2).toLowerCase();
        }
    }

    /** No routing at all: every transition is routed to nobody. */
    static final Routing NONE = new Routing(Map.of(), List.of(), List.of(), List.of(), Map.of());

    private final Map<String, Person> people;
    private final List<Rule> rules;
    private final List<Tier> tiers;
    private final List<QuietHours> quietHours;
    private final Map<String, RateLimit> rateLimits;

    Routing(
            Map<String, Person> people,
            List<Rule> rules,
            List<Tier> tiers,
            List<QuietHours> quietHours,
            Map<String, RateLimit> rateLimits) {
        this.people = Map.copyOf(people);
        this.rules = List.copyOf(rules);
        this.tiers = List.copyOf(tiers);
        this.quietHours = List.copyOf(quietHours);
        this.rateLimits = Map.copyOf(rateLimits);
    }

    /**
     * The notifications one transition asks for, each (channel, recipient) once: those of every matching rule, and
     * for an ESCALATED transition those of its tier. A CLEARED transition of an alert that made a CRM case always
     * goes to the CRM (which closes the case), whatever the rules; one of an alert without a case never does.
     *
     * @param alertHasCase whether an earlier transition of the alert went to the CRM
     * @param now          the time the notifications are created, for quiet hours
     */
    public List<Delivery> deliveries(AlertFacts facts, boolean alertHasCase, Instant now) {
        Map<String, Delivery> out = new LinkedHashMap<>();
        for (Rule rule : rules) {
            if (rule.match().matches(facts)) {
                add(out, facts, rule.channels(), rule.to(), now);
            }
        }
        if (facts.transition().equals("ESCALATED")) {
            for (Tier tier : tiers) {
                if (tier.tier() == facts.tier() && tier.match().matches(facts)) {
                    add(out, facts, tier.channels(), tier.to(), now);
                }
            }
        }
        String crmKey = CRM + "/" + CRM_RECIPIENT;
        boolean crm = out.remove(crmKey) != null;
        if (facts.transition().equals("CLEARED") ? alertHasCase : crm) {
            out.put(crmKey, new Delivery(CRM, CRM_RECIPIENT, CRM_ADDRESS, null));
        }
        return new ArrayList<>(out.values());
    }

    private void add(Map<String, Delivery> out, AlertFacts facts, Set<String> channels, List<Person> to, Instant now) {
        for (String channel : channels) {
            if (channel.equals(CRM)) {
                out.putIfAbsent(CRM + "/" + CRM_RECIPIENT, new Delivery(CRM, CRM_RECIPIENT, CRM_ADDRESS, null));
                continue;
            }
            for (Person p : to) {
                out.putIfAbsent(
                        channel + "/" + p.name(),
                        new Delivery(channel, p.name(), p.address(channel), notBefore(channel, p.name(), facts, now)));
            }
        }
    }

    /**
     * When a notification created {@code now} may go out: the end of the quiet hours that hold it back (of all
     * of them, should they overlap or follow each other), or null for right away.
     *
     * @param facts the transition, or null for a digest
     */
    public Instant notBefore(String channel, String recipient, AlertFacts facts, Instant now) {
        Instant at = now;
        for (int round = 0; round < 8; round++) {
            Instant moved = at;
            for (QuietHours q : quietHours) {
                Instant end = q.appliesTo(channel, recipient, facts) ? q.endIfInside(moved) : null;
                if (end != null) {
                    moved = end;
                }
            }
            if (moved.equals(at)) {
                break;
            }
            at = moved;
        }
        return at.equals(now) ? null : at;
    }

    /** The rate limit of a channel, if it has one. */
    public Optional<RateLimit> rateLimit(String channel) {
        return Optional.ofNullable(rateLimits.get(channel));
    }

    /** For the log: what this routing holds. */
    public String summary() {
        return "%d people, %d rules, %d escalation tiers, %d quiet-hours windows, rate limits %s"
                .formatted(
                        people.size(),
                        rules.size(),
                        tiers.size(),
                        quietHours.size(),
                        rateLimits.isEmpty() ? "none" : rateLimits);
    }
}
