package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.rules.RuleBuildException.BuildError;
import io.fieldhub.rules.RuleEngine;
import io.fieldhub.rules.RuleSetBuilder;
import io.fieldhub.rules.deploy.RuleDeployments;
import io.fieldhub.rules.deploy.RuleVersions;
import io.fieldhub.rules.deploy.ScenarioGate;
import io.fieldhub.rules.scenario.ScenarioRunner;
import io.fieldhub.telemetry.TelemetryRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * routes/rules-reload.camel.yaml on a real rules folder and PostgreSQL: saving a rule file puts it in force without a
 * restart and records the version; a broken file, one its scenarios reject, or one the rule policy refuses leaves the
 * rules in force alone and says what is wrong.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RulesReloadRouteIT {

    static final String HEADER = """
            package acme
            import io.fieldhub.rules.Reading
            global io.fieldhub.rules.Alerts alerts
            """;
    static final String PUMP_DRY = HEADER + """
            rule "Pump dry"
            when
                $r : Reading( type == "pump", metric("flow") < 0.5 )
            then
                alerts.raise("WARNING", "Pump " + $r.getDeviceId() + " runs dry", $r, "flow", 0.5);
            end
            """;
    static final String SCENARIO = """
            scenarios:
              - name: a dry pump raises a warning
                readings:
                  - {at: 0s, device: pump-1, metrics: {flow: 0.1}}
                expect:
                  - {rule: Pump dry, device: pump-1, severity: WARNING}
            """;

    @TempDir
    static Path home;

    static Path rules;

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static RuleEngine engine;
    static RuleDeployments deployments;
    static RouteHarness hub;

    @BeforeAll
    static void start() throws Exception {
        rules = Files.createDirectories(home.resolve("rules"));
        Files.createDirectories(rules.resolve("acme"));
        Files.createDirectories(rules.resolve("tests"));
        Files.writeString(rules.resolve("acme/pump-dry.drl"), PUMP_DRY);
        Files.writeString(rules.resolve("tests/pump.yaml"), SCENARIO);
        var meters = new SimpleMeterRegistry();
        var builder = new RuleSetBuilder(Duration.ofMinutes(15));
        engine = new RuleEngine(
                builder.build(RuleSetBuilder.readFolder(rules)), 2, Duration.ofSeconds(30), Clock.systemUTC(), meters);
        var lifecycle = db.alertLifecycle(Clock.systemUTC(), meters);
        var versions = new RuleVersions(
                JdbcClient.create(db.dataSource()), JsonMapper.builder().build());
        deployments = new RuleDeployments(
                rules,
                builder,
                new ScenarioGate(new ScenarioRunner(Duration.ofSeconds(30))),
                engine,
                versions,
                lifecycle,
                Clock.systemUTC(),
                meters);
        deployments.recordStartup();
        deployments.prepareInBackground();
        hub = new RouteHarness()
                .property("hub.home", home)
                .property("hub.rules.watch", true)
                .bind("ruleDeployments", deployments)
                .routes("rules-reload.camel.yaml")
                .start();
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    @Order(1)
    void aSavedRuleFileIsInForceWithoutARestartAndItsVersionIsRecorded() throws Exception {
        String before = engine.rules().version();
        assertThat(engine.evaluate(reading("pump-1", 40.0))).isEmpty();

        Files.writeString(rules.resolve("acme/pump-hot.drl"), HEADER + """
                rule "Pump hot"
                when
                    $r : Reading( type == "pump", metric("temperature") > 35 )
                then
                    alerts.raise("CRITICAL", "Pump " + $r.getDeviceId() + " is hot", $r, "temperature", 35.0);
                end
                """);

        await().atMost(Duration.ofSeconds(20)).until(() -> db.count("rule_version") == 2);
        assertThat(engine.rules().version()).isNotEqualTo(before);
        assertThat(engine.evaluate(reading("pump-1", 40.0)))
                .extracting(RaisedAlert::ruleId)
                .containsExactly("Pump hot");
        assertThat(db.jdbc().queryForList("select source || '/' || actor from rule_version order by id", String.class))
                .containsExactly("startup/hub", "file-watch/file-watch");
        assertThat(db.jdbc().queryForObject("select version from rule_version order by id desc limit 1", String.class))
                .isEqualTo(engine.rules().version());
    }

    @Test
    @Order(2)
    void aBrokenFileKeepsTheRulesInForceAndNamesFileAndLine() throws Exception {
        String before = engine.rules().version();

        Files.writeString(rules.resolve("acme/broken.drl"), HEADER + """
                rule "Broken"
                when
                    $r : Reading( metric("flow") < ))
                then
                end
                """);

        await().atMost(Duration.ofSeconds(20)).until(() -> deployments.lastFailure() != null);
        assertThat(deployments.lastFailure().errors()).anySatisfy(e -> {
            assertThat(e.file()).isEqualTo("acme/broken.drl");
            assertThat(e.line()).isEqualTo(6);
        });
        assertThat(engine.rules().version()).isEqualTo(before);
        assertThat(engine.evaluate(reading("pump-1", 0.1, 40.0)))
                .extracting(RaisedAlert::ruleId)
                .containsExactlyInAnyOrder("Pump dry", "Pump hot");

        Files.delete(rules.resolve("acme/broken.drl"));
        await().atMost(Duration.ofSeconds(20)).until(() -> deployments.lastFailure() == null);
    }

    @Test
    @Order(3)
    void aChangeItsScenariosRejectIsNotDeployed() throws Exception {
        String before = engine.rules().version();

        // Someone raises the dry threshold the wrong way round: the business users' scenario now fails.
        Files.writeString(rules.resolve("acme/pump-dry.drl"), PUMP_DRY.replace("< 0.5", "< 0.05"));

        await().atMost(Duration.ofSeconds(20)).until(() -> deployments.lastFailure() != null);
        assertThat(deployments.lastFailure().scenarios())
                .as(deployments.lastFailure().toString())
                .singleElement()
                .asString()
                .contains("tests/pump.yaml")
                .contains("a dry pump raises a warning");
        assertThat(engine.rules().version()).isEqualTo(before);
        assertThat(db.count("rule_version")).isEqualTo(2);
    }

    @Test
    @Order(5)
    void aStartOnRulesThatFailTheirScenariosSaysWhichFail() throws Exception {
        Path wet = rules.resolve("tests/pump-wet.yaml");
        Files.writeString(wet, """
                scenarios:
                  - name: a wet pump raises a warning too
                    readings:
                      - {at: 0s, device: pump-2, metrics: {flow: 3.0}}
                    expect:
                      - {rule: Pump dry, device: pump-2}
                """);
        try {
            deployments.prepareInBackground();

            await().atMost(Duration.ofSeconds(20)).until(() -> deployments.lastFailure() != null);
            assertThat(deployments.lastFailure().source()).isEqualTo("startup");
            assertThat(deployments.lastFailure().scenarios())
                    .singleElement()
                    .asString()
                    .contains("tests/pump-wet.yaml")
                    .contains("a wet pump raises a warning too");
        } finally {
            Files.delete(wet);
        }
    }

    @Test
    @Order(4)
    void aFileThatBreaksTheRulePolicyIsRefusedBeforeItCanRun() throws Exception {
        Files.writeString(rules.resolve("acme/pump-dry.drl"), PUMP_DRY);
        await().atMost(Duration.ofSeconds(20)).until(() -> deployments.lastFailure() == null);
        String before = engine.rules().version();
        long versions = db.count("rule_version");
        Path target = home.resolve("written-by-a-rule.txt");

        // It fires on the reading of the folder's scenario: run, it would write the file.
        Path escape = rules.resolve("acme/escape.drl");
        Files.writeString(escape, HEADER + """
                rule "Escape"
                when
                    $r : Reading( type == "pump" )
                then
                    java.nio.file.Files.writeString(java.nio.file.Path.of("%s"), "owned");
                end
                """.formatted(target));

        await().atMost(Duration.ofSeconds(20)).until(() -> deployments.lastFailure() != null);
        assertThat(deployments.lastFailure().errors())
                .containsExactly(
                        new BuildError("acme/escape.drl", 8, "java.nio is not allowed in a rule (file system access)"));
        assertThat(target).doesNotExist();
        assertThat(engine.rules().version()).isEqualTo(before);
        assertThat(db.count("rule_version")).isEqualTo(versions);
        assertThat(engine.evaluate(reading("pump-1", 0.1, 40.0)))
                .extracting(RaisedAlert::ruleId)
                .containsExactlyInAnyOrder("Pump dry", "Pump hot");
        assertThat(target).doesNotExist();

        Files.delete(escape);
        await().atMost(Duration.ofSeconds(20)).until(() -> deployments.lastFailure() == null);
    }

    private static TelemetryRecord reading(String device, double temperature) {
        return record(device, Map.of("flow", 3.0, "temperature", temperature));
    }

    private static TelemetryRecord reading(String device, double flow, double temperature) {
        return record(device, Map.of("flow", flow, "temperature", temperature));
    }

    private static TelemetryRecord record(String device, Map<String, Double> metrics) {
        Instant now = Instant.now();
        return new TelemetryRecord(
                device + "-" + now.toEpochMilli() + "-" + metrics.hashCode(),
                device,
                now,
                now,
                metrics,
                Map.of(),
                "4bf92f3577b34da6a3ce929d0e0e4736");
    }
}
