package io.fieldhub.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.alert.AlertLifecycle;
import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.process.DeviceLanes;
import io.fieldhub.rules.RuleBuildException;
import io.fieldhub.rules.RuleEngine;
import io.fieldhub.rules.RuleErrorLog;
import io.fieldhub.rules.RuleSet;
import io.fieldhub.rules.RuleSetBuilder;
import io.fieldhub.rules.RuleSetCache;
import io.fieldhub.rules.RuleSettings;
import io.fieldhub.rules.deploy.RuleCheck;
import io.fieldhub.rules.deploy.RuleDeployments;
import io.fieldhub.rules.deploy.RuleVersions;
import io.fieldhub.rules.deploy.ScenarioGate;
import io.fieldhub.rules.scenario.ScenarioRunner;
import io.fieldhub.store.RecentTelemetry;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.File;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.SortedMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.system.ApplicationHome;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The rule engine and what keeps it current: the rule set from {@code rules/}, its windows, its deployments. */
@Configuration(proxyBeanMethods = false)
class RuleBeans {

    private static final Logger LOG = LoggerFactory.getLogger(RuleBeans.class);

    @Bean
    RuleSetBuilder ruleSetBuilder(RuleSettings settings) {
        return new RuleSetBuilder(settings.retention());
    }

    /**
     * Builds the rules in {@code rules/}, or with {@code cache} loads them as the last start compiled them when
     * nothing they depend on changed ({@link RuleSetCache}); a broken file stops the start, naming file and line.
     */
    static RuleSet buildRules(HubProperties hub, RuleSetBuilder builder, boolean cache) {
        Path dir = hub.homePath().resolve("rules");
        long start = System.nanoTime();
        try {
            SortedMap<String, byte[]> files = RuleSetBuilder.readFolder(dir);
            String code = cache ? codeIdentity() : null;
            if (code == null) {
                RuleSet rules = builder.build(files);
                LOG.info("Rules built in {} ms", (System.nanoTime() - start) / 1_000_000);
                return rules;
            }
            var loaded = new RuleSetCache(hub.dataPath().resolve("rules-cache").resolve("rules.bin"), code)
                    .load(files, builder);
            LOG.info(
                    loaded.fromCache()
                            ? "Rules loaded in {} ms, as an earlier start compiled them"
                            : "Rules built in {} ms",
                    (System.nanoTime() - start) / 1_000_000);
            return loaded.rules();
        } catch (RuleBuildException e) {
            throw new RuleBuildException(
                    "Rules in " + dir + " do not build, so the hub cannot start. " + e.getMessage()
                            + "\nFix the rule file and restart.",
                    e.errors());
        }
    }

    /**
     * Identifies the jar or folder the hub's classes, and so the rules' fact model, come from; null when that is not
     * known, and the rules are then built without the cache.
     */
    private static String codeIdentity() {
        File source = new ApplicationHome(RuleSet.class).getSource();
        if (source == null || !source.exists()) {
            LOG.info("Rules are compiled at every start: the hub's classes come from no jar or folder");
            return null;
        }
        try {
            return RuleSetCache.identityOf(source.toPath());
        } catch (UncheckedIOException e) {
            LOG.warn("Rules are compiled at every start: {}", e.getMessage());
            return null;
        }
    }

    /**
     * The engine on the rules built at start ({@link ParallelStart} builds them while the context starts), with
     * their windows rebuilt from the newest stored readings, before any route delivers a message.
     */
    @Bean(destroyMethod = "close")
    RuleErrorLog ruleErrorLog(JdbcTemplate jdbc, MeterRegistry meters) {
        return new RuleErrorLog(jdbc, meters);
    }

    @Bean(destroyMethod = "dispose")
    RuleEngine ruleEngine(
            StartupTasks tasks,
            RuleSettings settings,
            DeviceLanes lanes,
            RecentTelemetry recent,
            AlertLifecycle alerts,
            Clock clock,
            MeterRegistry meters,
            RuleErrorLog ruleErrors) {
        RuleSet rules = tasks.await(ParallelStart.RULES, RuleSet.class);
        var engine = new RuleEngine(rules, lanes.count(), settings.lateness(), clock, meters);
        engine.limitMemory(settings.liveReadingsCap());
        engine.limitFirings(settings.maxFirings());
        engine.limitTime(settings.maxEvaluationTime());
        engine.onRuleErrors(ruleErrors);
        long start = System.nanoTime();
        List<TelemetryRecord> history =
                recent.since(clock.instant().minus(settings.rebuildWindow()), settings.rebuildMaxReadings());
        List<RaisedAlert> raised = engine.rebuild(history);
        // Only now: a partition that starts again during the rebuild above goes on with the readings left, rather
        // than replay the stored ones and then meet the rest twice.
        engine.replayFrom(
                () -> recent.since(clock.instant().minus(settings.rebuildWindow()), settings.rebuildMaxReadings()));
        alerts.applyOutsideMessages(raised, true);
        LOG.info(
                "Rules version {}: {} rules from {} files; windows rebuilt from {} stored readings in {} ms",
                rules.version(),
                rules.ruleCount(),
                rules.files().size(),
                history.size(),
                (System.nanoTime() - start) / 1_000_000);
        return engine;
    }

    @Bean
    RecentTelemetry recentTelemetry(JdbcClient jdbc, ObjectMapper mapper) {
        return new RecentTelemetry(jdbc, mapper);
    }

    @Bean
    RuleVersions ruleVersions(JdbcClient jdbc, ObjectMapper mapper) {
        return new RuleVersions(jdbc, mapper);
    }

    @Bean
    RuleCheck ruleCheck(RuleSettings settings) {
        return new ScenarioGate(new ScenarioRunner(settings.lateness()));
    }

    @Bean(initMethod = "recordStartup")
    RuleDeployments ruleDeployments(
            HubProperties hub,
            RuleSetBuilder builder,
            RuleCheck check,
            RuleEngine engine,
            RuleVersions versions,
            AlertLifecycle alerts,
            Clock clock,
            MeterRegistry meters) {
        return new RuleDeployments(
                hub.homePath().resolve("rules"), builder, check, engine, versions, alerts, clock, meters);
    }

    /** Prepares the first rule edit once the hub is ready: during the start it competed with the start for a core. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> rulesPrepare(RuleDeployments deployments) {
        return ready -> deployments.prepareInBackground();
    }
}
