package io.fieldhub.rules;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.drools.base.common.DroolsObjectInputStream;
import org.drools.base.common.DroolsObjectOutputStream;
import org.drools.base.definitions.InternalKnowledgePackage;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.kiesession.rulebase.InternalKnowledgeBase;
import org.kie.api.KieBase;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;

/**
 * What an edit of some rule files changes in the rule base in force, to be applied to it in place: the rules of the
 * changed files leave it, and their new text joins it, as Drools' incremental update of a live base does. The sessions
 * of the base keep their facts; only what the changed rules match is evaluated again.
 *
 * <p>Only for edits a rule at a time can carry: DRL files that declare nothing others compile against (the cases
 * where {@link RuleRebuilds} reuses its compiled files). Anything else ({@link #between} returns null) is put in
 * force by new sessions, {@link RuleSwap}.
 */
final class RuleDelta {

    private final Set<String> changedFiles;
    private final List<Rule> leaving;
    private final List<KiePackage> joining;

    private RuleDelta(Set<String> changedFiles, List<Rule> leaving, List<KiePackage> joining) {
        this.changedFiles = changedFiles;
        this.leaving = leaving;
        this.joining = joining;
    }

    /** What turns {@code inForce}'s base into {@code next}'s; null when the edit is not one a delta can carry. */
    static RuleDelta between(RuleSet inForce, RuleSet next) {
        Set<String> changed = RuleRebuilds.changedFiles(inForce.files(), next.files());
        if (changed == null || changed.isEmpty()) {
            return null;
        }
        List<Rule> leaving = rulesOf(inForce.kieBase(), changed);
        List<Rule> coming = rulesOf(next.kieBase(), changed);
        if (leaving == null || coming == null) {
            return null;
        }
        List<KiePackage> joining =
                copyOnly(next.kieBase(), coming, ((InternalKnowledgeBase) inForce.kieBase()).getRootClassLoader());
        return joining == null ? null : new RuleDelta(changed, leaving, joining);
    }

    /** The files the edit changed, added or removed, relative to the rules folder. */
    Set<String> changedFiles() {
        return changedFiles;
    }

    /** How many rules leave the base and how many join it. */
    String size() {
        return leaving.size() + " rule(s) out, "
                + joining.stream().mapToInt(p -> p.getRules().size()).sum() + " in";
    }

    /**
     * Changes {@code base} in place; true when it now holds exactly the new rules. Drools changes a base only while
     * none of its sessions is inside an operation (else it queues the change for the next one), so the caller holds
     * every lane still meanwhile; a change Drools only queued returns false, and the caller then replaces the sessions.
     */
    boolean applyTo(KieBase base) {
        for (Rule rule : leaving) {
            base.removeRule(rule.getPackageName(), rule.getName());
            if (base.getRule(rule.getPackageName(), rule.getName()) != null) {
                return false;
            }
        }
        ((InternalKnowledgeBase) base).addPackages(joining);
        for (KiePackage pkg : joining) {
            for (Rule rule : pkg.getRules()) {
                if (base.getRule(pkg.getName(), rule.getName()) != rule) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The rules of {@code base} that come from {@code files}; null when a rule does not say where it comes from. */
    private static List<Rule> rulesOf(KieBase base, Set<String> files) {
        List<Rule> rules = new ArrayList<>();
        for (KiePackage pkg : base.getKiePackages()) {
            for (Rule rule : pkg.getRules()) {
                String file = fileOf(rule);
                if (file == null) {
                    return null;
                }
                if (files.contains(file)) {
                    rules.add(rule);
                }
            }
        }
        return rules;
    }

    private static String fileOf(Rule rule) {
        var resource = ((RuleImpl) rule).getResource();
        String path = resource == null ? null : resource.getSourcePath();
        if (path == null) {
            return null;
        }
        return path.startsWith(RuleSetBuilder.RESOURCES) ? path.substring(RuleSetBuilder.RESOURCES.length()) : path;
    }

    /**
     * Copies of the packages of {@code base} that hold {@code rules}, with only those rules, read into {@code loader}
     * (the base in force's, whose classes they must use); Drools' own serialized form, as {@link RuleSetCache}. Null
     * when they do not copy.
     */
    private static List<KiePackage> copyOnly(KieBase base, Collection<Rule> rules, ClassLoader loader) {
        Set<String> names = new TreeSet<>();
        Set<String> packages = new TreeSet<>();
        rules.forEach(r -> {
            names.add(r.getPackageName() + "\u0000" + r.getName());
            packages.add(r.getPackageName());
        });
        List<KiePackage> holding = base.getKiePackages().stream()
                .filter(p -> packages.contains(p.getName()))
                .toList();
        List<KiePackage> copies;
        try {
            var bytes = new ByteArrayOutputStream();
            try (var out = new DroolsObjectOutputStream(bytes)) {
                out.writeObject(new ArrayList<>(holding));
            }
            try (var in = new DroolsObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()), loader)) {
                @SuppressWarnings("unchecked")
                List<KiePackage> read = (List<KiePackage>) in.readObject();
                copies = read;
            }
        } catch (IOException | ClassNotFoundException e) {
            // new sessions put the rules in force instead, from their own base
            return null;
        }
        for (KiePackage copy : copies) {
            var pkg = (InternalKnowledgePackage) copy;
            // wires the rules to their compiled classes, which removing one needs
            pkg.getDialectRuntimeRegistry().onAdd(loader);
            pkg.getDialectRuntimeRegistry().onBeforeExecute();
            for (Rule rule : List.copyOf(pkg.getRules())) {
                if (!names.contains(rule.getPackageName() + "\u0000" + rule.getName())) {
                    pkg.removeRule((RuleImpl) rule);
                }
            }
        }
        return copies;
    }
}
