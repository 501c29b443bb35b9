package io.fieldhub.rules;

import java.time.Duration;
import java.util.Map;
import java.util.SortedMap;
import org.kie.api.KieBase;
import org.kie.api.definition.KiePackage;

/**
 * One compiled rule set: the files it came from, their content hash (the version), and the KIE base built from
 * them. Immutable; a reload builds a new one and {@link RuleEngine#swap swaps} it in.
 *
 * @param version     SHA-256 of the file names and contents, first 16 hex digits
 * @param files       rule files by path relative to the rules folder
 * @param kieBase     the compiled rules (STREAM mode)
 * @param clearAfter  each rule's {@code @clearAfter} attribute, by rule name, where it has one
 * @param lookBack    how long a reading stays in rule memory: the longest window of the rules, zero when none has one
 * @param buildMillis how long the build took
 */
public record RuleSet(
        String version,
        SortedMap<String, byte[]> files,
        KieBase kieBase,
        Map<String, Duration> clearAfter,
        Duration lookBack,
        long buildMillis) {

    public int ruleCount() {
        return kieBase.getKiePackages().stream()
                .map(KiePackage::getRules)
                .mapToInt(c -> c.size())
                .sum();
    }
}
