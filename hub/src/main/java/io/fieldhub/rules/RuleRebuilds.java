package io.fieldhub.rules;

import io.fieldhub.rules.RuleSetBuilder.Compiled;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.drools.base.common.DroolsObjectInputStream;
import org.drools.base.common.DroolsObjectOutputStream;
import org.drools.compiler.builder.impl.KnowledgeBuilderImpl;
import org.drools.compiler.kie.builder.impl.InternalKieModule;
import org.drools.kiesession.rulebase.InternalKnowledgeBase;
import org.drools.wiring.api.classloader.ProjectClassLoader;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.Message;
import org.kie.internal.builder.IncrementalResults;
import org.kie.internal.builder.InternalKieBuilder;

/**
 * Builds the candidates of hot reload one after another, recompiling only the rule files that changed since the last
 * clean build: Drools' incremental build ({@code InternalKieBuilder.createFileSet(...).build()}) on the module that
 * build left. The files that did not change are compiled already, in the context of every other file, so a one-file
 * edit costs one file's compile. The incremental build changes the module's packages in place, so no rule set runs on
 * them: each candidate gets a copy, written and read back as {@link RuleSetCache} does (a KIE base made from the
 * module would clone them with Drools' own clone, which loses the classes the rules declare).
 *
 * <p>A full build instead, as {@link RuleSetBuilder#build} does, whenever reuse could judge differently from it: no
 * clean build yet (or the last one failed), a decision table changed, or a changed file's old or new text shares
 * something with other files that they would compile against (a {@code declare}, {@code function}, {@code query},
 * {@code window}, {@code unit} or {@code entry-point}), or any file uses {@code extends}. Every candidate passes the
 * {@link io.fieldhub.rules.policy.RulePolicy} first, as a full build does.
 */
public final class RuleRebuilds {

    private static final Pattern SHARED =
            Pattern.compile("(?m)^\\s*(declare|function|query|window|unit|entry-point)\\b|\\bextends\\b");

    private final RuleSetBuilder builder;
    private Compiled last;
    private SortedMap<String, byte[]> lastFiles;

    public RuleRebuilds(RuleSetBuilder builder) {
        this.builder = builder;
    }

    /** A candidate and how many rule files its build compiled (all of them on a full build). */
    public record Rebuilt(RuleSet rules, int compiledFiles) {}

    /** Builds the files (paths relative to the rules folder); throws {@link RuleBuildException} on any error. */
    public synchronized Rebuilt build(Map<String, byte[]> ruleFiles) {
        long start = System.nanoTime();
        SortedMap<String, byte[]> files = new TreeMap<>(ruleFiles);
        builder.refuseWhatThePolicyForbids(files);
        Set<String> changed = last != null ? changedFiles(lastFiles, files) : null;
        if (changed == null) {
            discard();
            last = builder.compile(files);
            changed = files.keySet();
        } else if (!changed.isEmpty()) {
            recompile(files, changed);
        }
        lastFiles = files;
        return new Rebuilt(builder.ruleSet(files, copy(last), start), changed.size());
    }

    /** A new base with the module's packages as they are now. */
    private static KieBase copy(Compiled module) {
        var kieModule = (InternalKieModule) module.builder().getKieModule();
        String kieBaseName = kieModule
                .getKieModuleModel()
                .getKieBaseModels()
                .keySet()
                .iterator()
                .next();
        var compiler = (KnowledgeBuilderImpl) kieModule.getKnowledgeBuilderForKieBase(kieBaseName);
        try {
            var bytes = new ByteArrayOutputStream();
            try (var out = new DroolsObjectOutputStream(bytes)) {
                RuleSetCache.writeRules(compiler.getRootClassLoader(), compiler.getKnowledgePackages(), out);
            }
            InternalKnowledgeBase copy = RuleSetCache.emptyBase();
            var loader = (ProjectClassLoader) copy.getRootClassLoader();
            try (var in = new DroolsObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()), loader)) {
                RuleSetCache.readRules(copy, in);
            }
            return copy;
        } catch (IOException | ClassNotFoundException e) {
            throw new RuleBuildException("The compiled rules could not be copied into a new rule base", e);
        }
    }

    private void recompile(SortedMap<String, byte[]> files, Set<String> changed) {
        var fileSystem = last.fileSystem();
        for (String path : changed) {
            byte[] content = files.get(path);
            if (content == null) {
                fileSystem.delete(RuleSetBuilder.RESOURCES + path);
            } else {
                fileSystem.write(RuleSetBuilder.RESOURCES + path, content);
            }
        }
        IncrementalResults results = ((InternalKieBuilder) last.builder())
                .createFileSet(changed.stream()
                        .map(path -> RuleSetBuilder.RESOURCES + path)
                        .toArray(String[]::new))
                .build();
        List<Message> errors = results.getAddedMessages().stream()
                .filter(m -> m.getLevel() == Message.Level.ERROR)
                .toList();
        if (!errors.isEmpty()) {
            // the module now holds the broken files: the next candidate is built in full
            discard();
            throw RuleSetBuilder.doesNotBuild(errors);
        }
    }

    /**
     * The paths added, removed or changed from {@code before} to {@code now}; null when one of them needs a full
     * build (a decision table, or a file declaring what others compile against), or any file uses {@code extends}.
     */
    static Set<String> changedFiles(SortedMap<String, byte[]> before, SortedMap<String, byte[]> now) {
        if (now.entrySet().stream()
                .anyMatch(f -> f.getKey().endsWith(".drl") && text(f.getValue()).contains("extends"))) {
            return null;
        }
        Set<String> paths = new TreeSet<>(now.keySet());
        paths.addAll(before.keySet());
        Set<String> changed = new TreeSet<>();
        for (String path : paths) {
            byte[] was = before.get(path);
            byte[] is = now.get(path);
            if (was != null && Arrays.equals(was, is)) {
                continue;
            }
            if (!path.endsWith(".drl") || shares(was) || shares(is)) {
                return null;
            }
            changed.add(path);
        }
        return changed;
    }

    private static boolean shares(byte[] content) {
        return content != null && SHARED.matcher(text(content)).find();
    }

    private static String text(byte[] content) {
        return new String(content, StandardCharsets.UTF_8);
    }

    private void discard() {
        if (last != null) {
            KieServices.Factory.get().getRepository().removeKieModule(last.releaseId());
        }
        last = null;
        lastFiles = null;
    }
}
