package io.fieldhub.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldhub.rules.scenario.ScenarioResult;
import io.fieldhub.rules.scenario.ScenarioRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start loads the rules as an earlier start compiled them only while they are the same rules for the same code;
 * a changed rule file, other hub code or a damaged file means a build, and the loaded rules behave as built ones.
 */
class RuleSetCacheTest {

    static final String CODE = "hub-code-1";

    final RuleSetBuilder builder = new RuleSetBuilder(Duration.ofMinutes(15));
    final ScenarioRunner runner = new ScenarioRunner(Duration.ofSeconds(30));

    @TempDir
    Path data;

    @Test
    void theShippedRulesComeBackFromTheFileAndPassEveryShippedScenario() {
        SortedMap<String, byte[]> files = RuleSetBuilder.readFolder(ShippedScenariosTest.RULES);
        RuleSetCache.Loaded first = cache(CODE).load(files, builder);
        RuleSetCache.Loaded second = cache(CODE).load(files, builder);

        assertThat(first.fromCache()).isFalse();
        assertThat(second.fromCache()).isTrue();
        RuleSet built = first.rules();
        RuleSet loaded = second.rules();
        assertThat(loaded.version()).isEqualTo(built.version());
        assertThat(loaded.ruleCount()).isEqualTo(built.ruleCount()).isPositive();
        assertThat(loaded.clearAfter()).isEqualTo(built.clearAfter());
        assertThat(loaded.lookBack()).isEqualTo(built.lookBack());
        List<ScenarioResult> results = runner.run(loaded, ScenarioRunner.readFolder(ShippedScenariosTest.RULES));
        assertThat(results)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.passed()).as(r.describe()).isTrue());
    }

    @Test
    void aChangedRuleFileIsBuiltAgainNotServedFromTheFile() {
        cache(CODE).load(rules(90), builder);
        assertThat(hotAt95(cache(CODE).load(rules(90), builder))).isTrue();

        RuleSetCache.Loaded changed = cache(CODE).load(rules(99), builder);

        assertThat(changed.fromCache()).isFalse();
        assertThat(hotAt95(changed)).isFalse();
        RuleSetCache.Loaded again = cache(CODE).load(rules(99), builder);
        assertThat(again.fromCache()).isTrue();
        assertThat(hotAt95(again)).isFalse();
    }

    @Test
    void otherHubCodeMeansABuild() {
        cache(CODE).load(rules(90), builder);

        assertThat(cache("hub-code-2").load(rules(90), builder).fromCache()).isFalse();
    }

    @Test
    void aDamagedFileMeansABuildThatReplacesIt() throws IOException {
        cache(CODE).load(rules(90), builder);
        Path file = data.resolve("rules.bin");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));

        RuleSetCache.Loaded rebuilt = cache(CODE).load(rules(90), builder);

        assertThat(rebuilt.fromCache()).isFalse();
        assertThat(hotAt95(rebuilt)).isTrue();
        assertThat(cache(CODE).load(rules(90), builder).fromCache()).isTrue();
    }

    @Test
    void aRuleFileThatDoesNotBuildStillFailsWithItsErrors() {
        cache(CODE).load(rules(90), builder);
        SortedMap<String, byte[]> broken =
                new TreeMap<>(Map.of("t/hot.drl", "rule \"Hot\" when".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> cache(CODE).load(broken, builder))
                .isInstanceOf(RuleBuildException.class)
                .satisfies(e -> assertThat(((RuleBuildException) e).errors())
                        .first()
                        .extracting(RuleBuildException.BuildError::file)
                        .isEqualTo("t/hot.drl"));
    }

    @Test
    void theCodeIdentityChangesWithAnyClassOfAJarOrFolder() throws IOException {
        Path jar1 = jar("a.jar", "x");
        Path jar2 = jar("b.jar", "y");
        assertThat(RuleSetCache.identityOf(jar1)).isEqualTo(RuleSetCache.identityOf(jar("c.jar", "x")));
        assertThat(RuleSetCache.identityOf(jar1)).isNotEqualTo(RuleSetCache.identityOf(jar2));

        Path classes = Files.createDirectories(data.resolve("classes/io/fieldhub"));
        Files.writeString(classes.resolve("Reading.class"), "x");
        String before = RuleSetCache.identityOf(data.resolve("classes"));
        Files.writeString(classes.resolve("Reading.class"), "y");
        assertThat(RuleSetCache.identityOf(data.resolve("classes"))).isNotEqualTo(before);
    }

    private RuleSetCache cache(String code) {
        return new RuleSetCache(data.resolve("rules.bin"), code);
    }

    /** Whether a reading of 95 degrees raises the alert of rule "Hot". */
    private boolean hotAt95(RuleSetCache.Loaded loaded) {
        ScenarioResult result = runner.run(
                        loaded.rules(), new TreeMap<>(Map.of("tests/t.yaml", """
                                scenarios:
                                  - name: 95 degrees
                                    readings:
                                      - {at: 0s, device: engine-1, metrics: {temperature: 95}}
                                    expect: []
                                """.getBytes(StandardCharsets.UTF_8))))
                .get(0);
        return result.problems().stream().anyMatch(p -> p.contains("'Hot' on engine-1 fired once"));
    }

    /** A rule that raises an alert above {@code limit} degrees, with a declared type as the shipped rules have. */
    private static SortedMap<String, byte[]> rules(int limit) {
        String drl = """
                package t
                import io.fieldhub.rules.Reading
                global io.fieldhub.rules.Alerts alerts

                declare Seen
                    deviceId : String
                end

                rule "Hot"
                when
                    $r : Reading( metric("temperature") > %d.0 )
                then
                    insertLogical(new Seen($r.getDeviceId()));
                    alerts.raise("CRITICAL", "hot " + $r.getDeviceId(), $r, "temperature", %d.0);
                end
                """.formatted(limit, limit);
        return new TreeMap<>(Map.of("t/hot.drl", drl.getBytes(StandardCharsets.UTF_8)));
    }

    private Path jar(String name, String content) throws IOException {
        Path jar = data.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar);
                var zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("io/fieldhub/Reading.class"));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return jar;
    }
}
