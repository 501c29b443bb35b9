package io.fieldhub.rules;

import io.fieldhub.rules.RuleBuildException.BuildError;
import io.fieldhub.rules.policy.PolicyViolation;
import io.fieldhub.rules.policy.RulePolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.conf.EventProcessingOption;
import org.kie.api.definition.rule.Rule;

/**
 * Compiles rule files (DRL and decision tables) into a {@link RuleSet} with the plain KIE API: the classic
 * {@code KieBuilder.buildAll()}, which rebuilds in a fraction of a second, so hot reload stays fast. Every build
 * first passes the {@link RulePolicy}, so no path (start-up, file watch, validate, deploy, rollback, scenario
 * tests) compiles or runs rule text the policy refuses.
 */
public final class RuleSetBuilder {

    /** The file names that make up a rule set; everything else in the rules folder (scenarios, READMEs) is not. */
    public static final List<String> RULE_SUFFIXES = List.of(".drl", ".drl.csv", ".drl.xlsx", ".drl.xls");

    static final String RESOURCES = "src/main/resources/";
    private static final String MODEL = RESOURCES + "io/fieldhub/rules/fieldhub-model.drl";

    private final Duration retention;
    private final RulePolicy policy = new RulePolicy();

    /** @param retention the longest a reading may stay in rule memory: the longest window any rule may use */
    public RuleSetBuilder(Duration retention) {
        this.retention = retention;
    }

    /** Reads every rule file under {@code rulesDir}. */
    public static SortedMap<String, byte[]> readFolder(Path rulesDir) {
        if (!Files.isDirectory(rulesDir)) {
            throw new RuleBuildException(
                    "Rules folder " + rulesDir.toAbsolutePath() + " does not exist; create it (it may be empty)",
                    List.of());
        }
        try (Stream<Path> paths = Files.walk(rulesDir)) {
            SortedMap<String, byte[]> files = new TreeMap<>();
            for (Path p : paths.filter(p ->
                            Files.isRegularFile(p) && isRuleFile(p.getFileName().toString()))
                    .toList()) {
                files.put(rulesDir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
            return files;
        } catch (IOException e) {
            throw new RuleBuildException("Cannot read the rule files in " + rulesDir.toAbsolutePath(), e);
        }
    }

    public static boolean isRuleFile(String name) {
        return RULE_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    /** Builds the files (paths relative to the rules folder); throws {@link RuleBuildException} on any error. */
    public RuleSet build(Map<String, byte[]> ruleFiles) {
        long start = System.nanoTime();
        SortedMap<String, byte[]> files = new TreeMap<>(ruleFiles);
        refuseWhatThePolicyForbids(files);
        Compiled compiled = compile(files);
        KieBase kieBase = kieBase(compiled.releaseId());
        // The base keeps what it needs; dropping the module from the global repository stops reloads piling up.
        KieServices.Factory.get().getRepository().removeKieModule(compiled.releaseId());
        return ruleSet(files, kieBase, start);
    }

    /** A compiled module: its file system and builder, kept by {@link RuleRebuilds} to recompile what changes. */
    record Compiled(KieFileSystem fileSystem, KieBuilder builder, ReleaseId releaseId) {}

    /** Compiles every file into a module of its own; throws {@link RuleBuildException} on any error. */
    Compiled compile(SortedMap<String, byte[]> files) {
        KieServices ks = KieServices.Factory.get();
        KieFileSystem kfs = ks.newKieFileSystem();
        files.forEach((path, content) -> kfs.write(RESOURCES + path, content));
        kfs.write(MODEL, model());
        // A fresh ReleaseId per build, so a reload never collides with the module already in the repository.
        ReleaseId releaseId = ks.newReleaseId("io.fieldhub", "rules", "1.0.0-" + UUID.randomUUID());
        kfs.generateAndWritePomXML(releaseId);
        KieBuilder builder = ks.newKieBuilder(kfs, RuleClassLoader.INSTANCE).buildAll();
        List<Message> errors = builder.getResults().getMessages(Message.Level.ERROR);
        if (!errors.isEmpty()) {
            ks.getRepository().removeKieModule(releaseId);
            throw doesNotBuild(errors);
        }
        return new Compiled(kfs, builder, releaseId);
    }

    /** A new STREAM-mode base of the compiled module {@code releaseId}, independent of every base made before. */
    private static KieBase kieBase(ReleaseId releaseId) {
        KieServices ks = KieServices.Factory.get();
        var kieConf = ks.newKieBaseConfiguration();
        kieConf.setOption(EventProcessingOption.STREAM);
        return ks.newKieContainer(releaseId, RuleClassLoader.INSTANCE).newKieBase(kieConf);
    }

    static RuleBuildException doesNotBuild(List<Message> errors) {
        List<BuildError> located = locate(errors);
        return new RuleBuildException(
                "The rule set does not build (" + located.size() + " error(s)):\n  "
                        + located.stream().map(BuildError::toString).collect(Collectors.joining("\n  ")),
                located);
    }

    /** The rule set of {@code files} compiled into {@code kieBase}, which took since {@code start} (nanoTime). */
    RuleSet ruleSet(SortedMap<String, byte[]> files, KieBase kieBase, long start) {
        Map<String, Duration> clearAfter = clearAfter(kieBase);
        Duration lookBack = LookBack.of(kieBase, retention);
        return new RuleSet(
                version(files), files, kieBase, clearAfter, lookBack, (System.nanoTime() - start) / 1_000_000);
    }

    void refuseWhatThePolicyForbids(SortedMap<String, byte[]> files) {
        List<PolicyViolation> violations = policy.check(files);
        if (!violations.isEmpty()) {
            throw new RuleBuildException(
                    "The rule set is refused by the rule policy, so nothing was built (" + violations.size()
                            + " problem(s)):\n  "
                            + violations.stream().map(PolicyViolation::toString).collect(Collectors.joining("\n  ")),
                    violations.stream()
                            .map(v -> new BuildError(v.file(), v.line(), v.message()))
                            .toList());
        }
    }

    /**
     * Readings are events at their device time. They carry no {@code @expires}: Drools would schedule one expiry job
     * per reading, and its timer queue was the largest cost of a reading; {@link RulePartition} lets them go once
     * they are older than the rule set's {@link LookBack}.
     */
    private static String model() {
        return """
                package io.fieldhub.rules;
                declare Reading
                    @role(event)
                    @timestamp(timestamp)
                end
                """;
    }

    private static Map<String, Duration> clearAfter(KieBase kieBase) {
        Map<String, Duration> out = new HashMap<>();
        for (var pkg : kieBase.getKiePackages()) {
            for (Rule rule : pkg.getRules()) {
                Object value = rule.getMetaData().get("clearAfter");
                if (value != null) {
                    out.put(rule.getName(), parseDuration(rule, value.toString()));
                }
            }
        }
        return out;
    }

    private static Duration parseDuration(Rule rule, String text) {
        String v = text.strip().replace("\"", "");
        try {
            return Duration.parse("PT" + v.toUpperCase());
        } catch (DateTimeParseException e) {
            throw new RuleBuildException(
                    "Rule \"" + rule.getName() + "\": @clearAfter(\"" + v
                            + "\") is not a duration; write it like 90s, 5m or 1h",
                    List.of(new BuildError(null, 0, "rule \"" + rule.getName() + "\": bad @clearAfter " + v)));
        }
    }

    private static List<BuildError> locate(List<Message> errors) {
        // The parser adds an unlocated "null Package" error after every located one; it only hides the real cause.
        Set<String> located = errors.stream()
                .filter(m -> m.getLine() > 0)
                .map(Message::getPath)
                .collect(Collectors.toSet());
        return errors.stream()
                .filter(m -> m.getLine() > 0 || !located.contains(m.getPath()))
                .map(m -> new BuildError(
                        relative(m.getPath()),
                        Math.max(m.getLine(), 0),
                        m.getText().strip().replace("\n", " ")))
                .toList();
    }

    private static String relative(String kiePath) {
        if (kiePath == null) {
            return null;
        }
        return kiePath.startsWith(RESOURCES) ? kiePath.substring(RESOURCES.length()) : kiePath;
    }

    /** The content hash that names a rule set: SHA-256 of its paths and contents, first 16 hex digits. */
    public static String version(SortedMap<String, byte[]> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            files.forEach((path, content) -> {
                sha.update(path.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(content);
                sha.update((byte) 0);
            });
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
