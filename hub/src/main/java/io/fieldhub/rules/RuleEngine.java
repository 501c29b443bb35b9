package io.fieldhub.rules;

import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.telemetry.TelemetryRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.definition.KiePackage;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.StatelessKieSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridge between the Camel flow and Drools: compiles the DRL files of a rules folder once (classic
 * {@code KieBuilder.buildAll()}, which rebuilds fast enough for hot reload) and evaluates each
 * telemetry record against them. Thread safe: every {@link #evaluate} runs in its own stateless session.
 */
public class RuleEngine {

    private static final Logger log = LoggerFactory.getLogger(RuleEngine.class);
    private static final String RESOURCES = "src/main/resources/";

    private final List<String> ruleFiles;
    private final KieBase kieBase;

    /** Builds every {@code *.drl} under {@code rulesDir}; throws {@link RuleBuildException} on any error. */
    public RuleEngine(Path rulesDir) {
        long start = System.nanoTime();
        this.ruleFiles = findRuleFiles(rulesDir);
        KieServices ks = KieServices.Factory.get();
        KieFileSystem kfs = ks.newKieFileSystem();
        for (String file : ruleFiles) {
            kfs.write(RESOURCES + file, read(rulesDir.resolve(file)));
        }
        // A fresh ReleaseId per build, so a reload never collides with the module already in the repository.
        ReleaseId releaseId = ks.newReleaseId("io.fieldhub", "rules", "1.0.0-" + UUID.randomUUID());
        kfs.generateAndWritePomXML(releaseId);
        KieBuilder builder = ks.newKieBuilder(kfs).buildAll();
        List<Message> errors = builder.getResults().getMessages(Message.Level.ERROR);
        if (!errors.isEmpty()) {
            throw new RuleBuildException(describe(rulesDir, errors));
        }
        this.kieBase = ks.newKieContainer(releaseId).getKieBase();
        // The container keeps its module; dropping it from the global repository stops reloads from piling up.
        ks.getRepository().removeKieModule(releaseId);
        log.info("Built {} rules from {} files in {} in {} ms", ruleCount(), ruleFiles.size(), rulesDir,
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Runs the rules on one record and returns the alerts they raised (empty when none fired). */
    public List<RaisedAlert> evaluate(TelemetryRecord record) {
        Alerts alerts = new Alerts();
        StatelessKieSession session = kieBase.newStatelessKieSession();
        session.setGlobal("alerts", alerts);
        session.addEventListener(new DefaultAgendaEventListener() {
            @Override
            public void beforeMatchFired(BeforeMatchFiredEvent event) {
                alerts.firing(event.getMatch().getRule().getName());
            }
        });
        session.execute(record);
        return alerts.raised();
    }

    /** Number of rules in the rule base. */
    public int ruleCount() {
        return kieBase.getKiePackages().stream().map(KiePackage::getRules).mapToInt(c -> c.size()).sum();
    }

    /** The DRL files that were loaded, relative to the rules folder, with {@code /} separators. */
    public List<String> ruleFiles() {
        return ruleFiles;
    }

    private static List<String> findRuleFiles(Path rulesDir) {
        if (!Files.isDirectory(rulesDir)) {
            throw new RuleBuildException("Rules folder " + rulesDir.toAbsolutePath()
                    + " does not exist; create it (it may be empty) and restart");
        }
        try (Stream<Path> paths = Files.walk(rulesDir)) {
            return paths.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".drl"))
                    .map(p -> rulesDir.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new RuleBuildException("Cannot list rule files in " + rulesDir.toAbsolutePath(), e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new RuleBuildException("Cannot read rule file " + file.toAbsolutePath(), e);
        }
    }

    private static String describe(Path rulesDir, List<Message> errors) {
        // The parser adds an unlocated "null Package" error after every located one; it only hides the real cause.
        Set<String> located = errors.stream().filter(m -> m.getLine() > 0).map(Message::getPath)
                .collect(Collectors.toSet());
        List<String> lines = errors.stream()
                .filter(m -> m.getLine() > 0 || !located.contains(m.getPath()))
                .map(m -> "  " + relative(m.getPath()) + ":" + m.getLine() + ": "
                        + m.getText().strip().replace("\n", "\n      "))
                .toList();
        return "Rules in " + rulesDir.toAbsolutePath() + " do not build (" + lines.size() + " error(s)):\n"
                + String.join("\n", lines) + "\nFix the rule file and restart.";
    }

    private static String relative(String kiePath) {
        if (kiePath == null) {
            return "(unknown file)";
        }
        return kiePath.startsWith(RESOURCES) ? kiePath.substring(RESOURCES.length()) : kiePath;
    }
}
