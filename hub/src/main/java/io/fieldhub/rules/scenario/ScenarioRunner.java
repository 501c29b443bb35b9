package io.fieldhub.rules.scenario;

import io.fieldhub.rules.RuleEngine;
import io.fieldhub.rules.RuleError;
import io.fieldhub.rules.RuleSet;
import io.fieldhub.rules.scenario.Scenario.Step;
import io.fieldhub.rules.scenario.ScenarioCheck.Fired;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;

/**
 * Runs the scenario files that rule authors write next to the rules ({@code rules/tests/*.yaml}, format in
 * {@code rules/README.md}) against a rule set: given these readings at these times, expect these alerts, or none.
 *
 * <p>Each scenario gets a fresh {@link RuleEngine} with one partition, the given lateness and a clock that stands
 * still between steps. At every step hub time moves to {@code start + at}, the engine ticks (rules that fire on time
 * alone, such as a silent device, fire then), and the step's reading, if any, is evaluated at its device time. A
 * scenario passes when the set of (rule, device) pairs raised equals the expected set, with the counts, severities
 * and texts it gives. A malformed file or scenario is a failed result that names the line, never an exception.
 */
public final class ScenarioRunner {

    /** Where scenario files live, relative to the rules folder. */
    public static final String TESTS_FOLDER = "tests";

    private final Duration lateness;

    /** @param lateness the rule clock's lag behind hub time ({@code hub.rules.lateness}; the hub's default is 30s) */
    public ScenarioRunner(Duration lateness) {
        this.lateness = lateness;
    }

    /**
     * Runs every scenario of every file (path relative to the rules folder → content); results in file order. The
     * scenarios are independent (each has its own engine), so they run side by side, one per core.
     */
    public List<ScenarioResult> run(RuleSet rules, SortedMap<String, byte[]> scenarioFiles) {
        Set<String> ruleNames = ruleNames(rules);
        List<Callable<ScenarioResult>> plays = new ArrayList<>();
        scenarioFiles.forEach((file, yaml) -> plays.addAll(playsOf(rules, ruleNames, file, yaml)));
        int threads = Math.min(plays.size(), Runtime.getRuntime().availableProcessors());
        if (threads <= 1) {
            return plays.stream().map(ScenarioRunner::result).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "rules-scenario");
            t.setDaemon(true);
            return t;
        });
        try {
            return pool.invokeAll(plays).stream().map(ScenarioRunner::result).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the scenarios ran", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ScenarioResult result(Callable<ScenarioResult> play) {
        try {
            return play.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ScenarioResult result(Future<ScenarioResult> play) {
        try {
            return play.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the scenarios ran", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Reads {@code tests/**}{@code /*.yaml} (and {@code .yml}) under the rules folder; empty when there is none. */
    public static SortedMap<String, byte[]> readFolder(Path rulesDir) {
        SortedMap<String, byte[]> files = new TreeMap<>();
        Path tests = rulesDir.resolve(TESTS_FOLDER);
        if (!Files.isDirectory(tests)) {
            return files;
        }
        try (Stream<Path> paths = Files.walk(tests)) {
            for (Path p : paths.filter(p -> Files.isRegularFile(p)
                            && isScenarioFile(p.getFileName().toString()))
                    .toList()) {
                files.put(rulesDir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the scenario files in " + tests.toAbsolutePath(), e);
        }
    }

    public static boolean isScenarioFile(String name) {
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    /** The file's scenarios, parsed here and each played when called; a malformed one is a failed result. */
    private List<Callable<ScenarioResult>> playsOf(RuleSet rules, Set<String> ruleNames, String file, byte[] yaml) {
        List<YamlNode> nodes;
        try {
            nodes = ScenarioParser.scenarioNodes(yaml);
        } catch (ScenarioFormatException e) {
            ScenarioResult malformed = malformed(file, "(file)", e);
            return List.of(() -> malformed);
        }
        ScenarioParser parser = new ScenarioParser();
        List<Callable<ScenarioResult>> plays = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            try {
                Scenario scenario = parser.scenario(nodes.get(i));
                plays.add(() -> play(rules, ruleNames, file, scenario));
            } catch (ScenarioFormatException e) {
                ScenarioResult malformed = malformed(file, ScenarioParser.nameOf(nodes.get(i), i), e);
                plays.add(() -> malformed);
            }
        }
        return plays;
    }

    /** hub.rules.max-firings as config/application.yaml ships it. */
    static final int MAX_FIRINGS = 1000;

    /** hub.rules.max-evaluation-time as config/application.yaml ships it. */
    static final Duration MAX_EVALUATION_TIME = Duration.ofSeconds(2);

    private ScenarioResult play(RuleSet rules, Set<String> ruleNames, String file, Scenario scenario) {
        ScenarioClock clock = new ScenarioClock(scenario.start());
        RuleEngine engine = new RuleEngine(rules, 1, lateness, clock, new SimpleMeterRegistry());
        // A rule that throws or loops on a scenario fails it, so such a rule set is refused before it is deployed.
        engine.limitFirings(MAX_FIRINGS);
        engine.limitTime(MAX_EVALUATION_TIME);
        engine.onRuleErrors(failed -> {
            RuleError first = failed.get(0);
            throw new IllegalStateException("rule " + (first.ruleId() == null ? "(a condition)" : first.ruleId())
                    + " failed (" + first.phase() + "): " + first.error());
        });
        List<Fired> fired = new ArrayList<>();
        try {
            for (Step step : scenario.steps()) {
                Instant hubTime = scenario.start().plus(step.at());
                clock.set(hubTime);
                try {
                    engine.tick().forEach(a -> fired.add(new Fired(a, step.at())));
                    if (step.isReading()) {
                        engine.evaluate(step.record(hubTime)).forEach(a -> fired.add(new Fired(a, step.at())));
                    }
                } catch (RuntimeException e) {
                    return new ScenarioResult(
                            file,
                            scenario.name(),
                            false,
                            List.of(file + ":" + step.line() + ": the rules failed on this step: " + rootMessage(e)));
                }
            }
        } finally {
            engine.dispose();
        }
        List<String> problems = ScenarioCheck.problems(file, scenario, fired, ruleNames);
        return new ScenarioResult(file, scenario.name(), problems.isEmpty(), problems);
    }

    private static ScenarioResult malformed(String file, String scenario, ScenarioFormatException e) {
        return new ScenarioResult(file, scenario, false, List.of(file + ":" + e.line() + ": " + e.getMessage()));
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root + ")";
    }

    /** The names of the rules in the set: what an expectation's {@code rule} must be one of. */
    static Set<String> ruleNames(RuleSet rules) {
        return rules.kieBase().getKiePackages().stream()
                .map(KiePackage::getRules)
                .flatMap(c -> c.stream())
                .map(Rule::getName)
                .collect(Collectors.toSet());
    }
}
