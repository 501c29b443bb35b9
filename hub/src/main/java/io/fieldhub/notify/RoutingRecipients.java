package io.fieldhub.notify;

import io.fieldhub.notify.Routing.Person;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The people and on-call groups of a routing file while it is read: checks each person's addresses, and turns a
 * {@code to:} list of people and groups into the people it means, each able to receive on the channels asked for.
 */
final class RoutingRecipients {

    /** E.164: a plus, then 8 to 15 digits, the first not 0. */
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{7,14}");

    private static final Pattern EMAIL = Pattern.compile("[^@\\s,]+@[^@\\s,]+");

    private final Map<String, Person> people = new LinkedHashMap<>();
    private final Map<String, List<Person>> groups = new LinkedHashMap<>();

    Map<String, Person> people() {
        return people;
    }

    /** A person of {@code people:}, with an email address (or several, comma-separated) and/or an E.164 phone. */
    void person(String name, RoutingNode node) {
        reserved(name, node.line());
        Map<String, RoutingNode> keys = node.map("person '" + name + "'", List.of("email", "phone"));
        String email = keys.containsKey("email") ? keys.get("email").text("'email'") : null;
        String phone = keys.containsKey("phone") ? keys.get("phone").text("'phone'") : null;
        if (email == null && phone == null) {
            throw new RoutingException(node.line(), "person '" + name + "' needs an 'email' or a 'phone'");
        }
        if (email != null) {
            for (String address : email.split(",")) {
                if (!EMAIL.matcher(address.strip()).matches()) {
                    throw new RoutingException(
                            keys.get("email").line(),
                            "'" + address.strip() + "' of '" + name + "' is not an email address");
                }
            }
        }
        if (phone != null && !E164.matcher(phone).matches()) {
            throw new RoutingException(
                    keys.get("phone").line(),
                    "phone '" + phone + "' of '" + name + "' is not"
                            + " E.164: a '+', the country code and the number, 8 to 15 digits, no spaces (+4915112345678)");
        }
        people.put(name, new Person(name, email, phone));
    }

    /** An on-call group of {@code groups:}: a list of people (not of other groups). */
    void group(String name, RoutingNode node) {
        reserved(name, node.line());
        if (people.containsKey(name)) {
            throw new RoutingException(
                    node.line(), "'" + name + "' is a person already; give the group another" + " name");
        }
        List<Person> members = new ArrayList<>();
        for (RoutingNode member : node.list("group '" + name + "'")) {
            String who = member.text("a member of group '" + name + "'");
            Person p = people.get(who);
            if (p == null) {
                throw new RoutingException(
                        member.line(),
                        groups.containsKey(who)
                                ? "'" + who + "' is a group;" + " list its people instead"
                                : "unknown person '" + who + "' in group '" + name + "'; the people are "
                                        + String.join(", ", people.keySet()));
            }
            members.add(p);
        }
        groups.put(name, members);
    }

    /**
     * The people a list of people and groups names, each once, after checking that every one has an address on
     * each of {@code channels} (email, sms).
     */
    List<Person> resolve(RoutingNode to, Set<String> channels) {
        Set<Person> out = new LinkedHashSet<>();
        for (RoutingNode item : to.list("'to'")) {
            String name = item.text("a recipient");
            List<Person> named = people.containsKey(name) ? List.of(people.get(name)) : groups.get(name);
            if (named == null) {
                throw new RoutingException(
                        item.line(),
                        "unknown recipient '" + name + "'; the people are "
                                + String.join(", ", people.keySet())
                                + (groups.isEmpty() ? "" : "; the groups are " + String.join(", ", groups.keySet())));
            }
            for (Person p : named) {
                for (String channel : channels) {
                    if (p.address(channel) == null) {
                        throw new RoutingException(
                                item.line(),
                                "'" + p.name() + "' has no "
                                        + (channel.equals(Routing.SMS) ? "phone for sms" : "email for email"));
                    }
                }
                out.add(p);
            }
        }
        return List.copyOf(out);
    }

    private static void reserved(String name, int line) {
        if (name.isBlank() || name.equals(Routing.CRM_RECIPIENT)) {
            throw new RoutingException(line, "'" + name + "' cannot name a person or group ('crm' is the CRM)");
        }
    }
}
