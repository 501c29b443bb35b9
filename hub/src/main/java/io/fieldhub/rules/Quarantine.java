package io.fieldhub.rules;

import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the rules hold back after an evaluation ran past {@code hub.rules.max-evaluation-time} and never returned: the
 * rule whose consequence was running (it does not fire again), or, when no consequence was running (a condition
 * looped), the device whose reading was evaluated (its readings skip the rules). Both last until the next rule set
 * is swapped in (a deploy, a reload, a rollback). Read on every firing, so the sets are copied on write.
 */
public final class Quarantine {

    private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);

    private volatile Set<String> rules = Set.of();
    private volatile Set<String> devices = Set.of();

    boolean holdsRule(String rule) {
        return !rules.isEmpty() && rules.contains(rule);
    }

    boolean holdsDevice(String deviceId) {
        return !devices.isEmpty() && devices.contains(deviceId);
    }

    synchronized void holdRule(String rule, String deviceId) {
        if (!rules.contains(rule)) {
            rules = with(rules, rule);
            LOG.error(
                    "Rule \"{}\" ran past hub.rules.max-evaluation-time {} and did not return: it is quarantined and"
                            + " does not fire again until the rules are deployed or reloaded. Fix the rule (a loop"
                            + " that never ends?); GET /api/rule-errors?ruleId= shows where it failed",
                    rule,
                    deviceId == null ? "(on the rule clock or a swap)" : "on a reading of device " + deviceId);
        }
    }

    synchronized void holdDevice(String deviceId) {
        if (!devices.contains(deviceId)) {
            devices = with(devices, deviceId);
            LOG.error(
                    "The rules' conditions ran past hub.rules.max-evaluation-time on a reading of device {} and did not"
                            + " return: the device's readings skip the rules until the rules are deployed or reloaded."
                            + " Fix the condition (a function that loops?)",
                    deviceId);
        }
    }

    synchronized void clear() {
        rules = Set.of();
        devices = Set.of();
    }

    /** The rules held back, by name. */
    public Set<String> rules() {
        return rules;
    }

    /** The devices whose readings skip the rules. */
    public Set<String> devices() {
        return devices;
    }

    int size() {
        return rules.size() + devices.size();
    }

    private static Set<String> with(Set<String> set, String element) {
        Set<String> copy = new HashSet<>(set);
        copy.add(element);
        return Set.copyOf(copy);
    }
}
