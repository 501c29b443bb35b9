package io.fieldhub.rules.deploy;

import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.rules.RuleBuildException;
import io.fieldhub.rules.RuleBuildException.BuildError;
import io.fieldhub.rules.RuleEngine;
import io.fieldhub.rules.RuleRebuilds;
import io.fieldhub.rules.RuleSet;
import io.fieldhub.rules.RuleSetBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts rule sets in force while messages flow: from a change in {@code rules/} (file watch), an upload or a
 * rollback through the API. Each candidate is built and its scenarios run off the message path; only a clean one
 * is swapped in, and every one in force is recorded in {@link RuleVersions}. A failed candidate leaves the rules
 * in force untouched and is reported through {@link #lastFailure()}, the log and the
 * {@code fieldhub.rules.reloads{outcome=failed}} counter.
 */
public class RuleDeployments {

    private static final Logger LOG = LoggerFactory.getLogger(RuleDeployments.class);

    private final Path rulesDir;
    private final RuleRebuilds builds;
    private final RuleCheck check;
    private final RuleEngine engine;
    private final RuleVersions versions;
    private final RuleFolder folder;
    private final AlertLifecycle alerts;
    private final Clock clock;
    private final MeterRegistry meters;
    private volatile Failure lastFailure;

    /** Why the last candidate was refused: build errors, or scenarios that failed on it. */
    public record Failure(Instant at, String source, String actor, List<BuildError> errors, List<String> scenarios) {}

    /** The outcome of a deployment: the version in force afterwards, or why the candidate was refused. */
    public record Outcome(boolean deployed, boolean changed, String version, Long versionId, Failure failure) {}

    public RuleDeployments(
            Path rulesDir,
            RuleSetBuilder builder,
            RuleCheck check,
            RuleEngine engine,
            RuleVersions versions,
            AlertLifecycle alerts,
            Clock clock,
            MeterRegistry meters) {
        this.rulesDir = rulesDir;
        this.builds = new RuleRebuilds(builder);
        this.check = check;
        this.engine = engine;
        this.versions = versions;
        this.folder = new RuleFolder(rulesDir);
        this.alerts = alerts;
        this.clock = clock;
        this.meters = meters;
        meters.gauge("fieldhub.rules.count", engine, e -> e.rules().ruleCount());
    }

    /** Records the rule set the hub started with, unless it is the one deployed last. */
    public void recordStartup() {
        RuleSet rules = engine.rules();
        if (!versions.latestVersion().filter(rules.version()::equals).isPresent()) {
            versions.record(rules, "startup", "hub");
        }
    }

    /**
     * In the background, compiles the rules in force once more, so that the first edit recompiles only what it
     * changed (a start may have loaded the rules compiled, from {@code RuleSetCache}, leaving nothing to reuse), and
     * runs the scenarios on them: rules that fail them say so at once (the log, {@link #lastFailure()}), and the first
     * edit's check does not run on cold code. Called once the hub is ready, so that it does not slow the start.
     */
    public void prepareInBackground() {
        RuleSet rules = engine.rules();
        Thread prepare = new Thread(() -> prepare(rules), "rules-prepare");
        prepare.setDaemon(true);
        prepare.start();
    }

    private void prepare(RuleSet rules) {
        RuleSet prepared;
        try {
            prepared = builds.build(rules.files()).rules();
        } catch (RuntimeException e) {
            LOG.debug("The rules in force were not compiled again for reuse; the first reload builds them all", e);
            return;
        }
        List<String> failed = check.failures(prepared, check.scenariosIn(rulesDir));
        if (!failed.isEmpty() && engine.rules().version().equals(rules.version())) {
            lastFailure = new Failure(clock.instant(), "startup", "hub", List.of(), failed);
            LOG.warn(
                    "The rules in force fail {} scenario(s) of {}/tests, so every edit is refused until they pass. Fix"
                            + " the rules or the scenarios:\n  {}",
                    failed.size(),
                    rulesDir,
                    String.join("\n  ", failed));
        }
    }

    /** Rebuilds from the rules folder after a change there; a no-op when its content is what is in force. */
    public synchronized Outcome reloadFromFolder(String actor) {
        SortedMap<String, byte[]> files;
        try {
            files = RuleSetBuilder.readFolder(rulesDir);
        } catch (RuleBuildException e) {
            return refused("file-watch", actor, e.errors(), List.of());
        }
        return put(files, Map.of(), "file-watch", actor, false);
    }

    /**
     * Deploys uploaded rule files (the whole set, paths relative to the rules folder): built and tested with the
     * uploaded scenarios (or, when none came, the folder's), then written to the folder and swapped in.
     *
     * @throws IllegalArgumentException when a path is not a rule file inside the rules folder
     */
    public synchronized Outcome deploy(Map<String, byte[]> ruleFiles, Map<String, byte[]> scenarios, String actor) {
        ruleFiles.keySet().forEach(folder::resolve);
        return put(new TreeMap<>(ruleFiles), scenarios, "api", actor, true);
    }

    /** Puts an earlier version back in force (tested against the folder's scenarios as they are now). */
    public synchronized Outcome rollback(SortedMap<String, byte[]> ruleFiles, String actor) {
        ruleFiles.keySet().forEach(folder::resolve);
        return put(ruleFiles, Map.of(), "rollback", actor, true);
    }

    /** Builds and tests a candidate without deploying it; {@code failure} is null when it would deploy. */
    public Outcome validate(Map<String, byte[]> ruleFiles, Map<String, byte[]> scenarios, String actor) {
        Candidate candidate = candidate(ruleFiles, scenarios);
        Failure failure = candidate.clean()
                ? null
                : new Failure(clock.instant(), "validate", actor, candidate.errors(), candidate.failedScenarios());
        return new Outcome(
                false,
                false,
                candidate.rules() == null ? null : candidate.rules().version(),
                null,
                failure);
    }

    public Failure lastFailure() {
        return lastFailure;
    }

    /**
     * A rule set built and tested: the rules (null when they do not build), what was wrong with them, how many files
     * the build compiled and how long the scenarios took.
     */
    private record Candidate(
            RuleSet rules,
            List<BuildError> errors,
            List<String> failedScenarios,
            int compiledFiles,
            long scenarioMillis) {
        boolean clean() {
            return errors.isEmpty() && failedScenarios.isEmpty();
        }
    }

    /** Builds the files and runs the scenarios given (or, when none are given, the rules folder's) on them. */
    private Candidate candidate(Map<String, byte[]> files, Map<String, byte[]> scenarios) {
        RuleRebuilds.Rebuilt built;
        try {
            built = builds.build(files);
        } catch (RuleBuildException e) {
            return new Candidate(null, e.errors(), List.of(), 0, 0);
        }
        long start = System.nanoTime();
        SortedMap<String, byte[]> tests = scenarios.isEmpty() ? check.scenariosIn(rulesDir) : new TreeMap<>(scenarios);
        List<String> failed = check.failures(built.rules(), tests);
        return new Candidate(
                built.rules(), List.of(), failed, built.compiledFiles(), (System.nanoTime() - start) / 1_000_000);
    }

    private Outcome put(
            SortedMap<String, byte[]> files,
            Map<String, byte[]> scenarios,
            String source,
            String actor,
            boolean writeFolder) {
        RuleSet current = engine.rules();
        if (current.version().equals(RuleSetBuilder.version(files))) {
            lastFailure = null;
            return new Outcome(true, false, current.version(), null, null);
        }
        Candidate candidate = candidate(files, scenarios);
        if (!candidate.clean()) {
            return refused(source, actor, candidate.errors(), candidate.failedScenarios());
        }
        RuleSet next = candidate.rules();
        if (writeFolder) {
            folder.replaceRuleFiles(files);
        }
        long start = System.nanoTime();
        List<RaisedAlert> raised = engine.swap(next);
        long swapMillis = (System.nanoTime() - start) / 1_000_000;
        if (!raised.isEmpty()) {
            alerts.applyOutsideMessages(raised, true);
        }
        long id = versions.record(next, source, actor);
        lastFailure = null;
        meters.counter("fieldhub.rules.reloads", "outcome", "deployed").increment();
        LOG.info(
                "Rules version {} in force ({} rules from {} files; built in {} ms compiling {} of them, scenarios in {}"
                        + " ms, swapped in {} ms; by {} via {})",
                next.version(),
                next.ruleCount(),
                files.size(),
                next.buildMillis(),
                candidate.compiledFiles(),
                candidate.scenarioMillis(),
                swapMillis,
                actor,
                source);
        return new Outcome(true, true, next.version(), id, null);
    }

    private Outcome refused(String source, String actor, List<BuildError> errors, List<String> scenarios) {
        Failure failure = new Failure(clock.instant(), source, actor, errors, scenarios);
        lastFailure = failure;
        meters.counter("fieldhub.rules.reloads", "outcome", "failed").increment();
        LOG.error(
                "Rules from {} by {} NOT deployed; version {} stays in force. Fix and save again:\n  {}",
                source,
                actor,
                engine.rules().version(),
                String.join(
                        "\n  ",
                        errors.isEmpty()
                                ? scenarios
                                : errors.stream().map(BuildError::toString).toList()));
        return new Outcome(false, false, engine.rules().version(), null, failure);
    }
}
