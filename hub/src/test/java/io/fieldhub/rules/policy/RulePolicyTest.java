package io.fieldhub.rules.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.fieldhub.rules.RuleBuildException;
import io.fieldhub.rules.RuleSetBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rule policy: what rule text may not name, and that the rules people write every day still pass. */
class RulePolicyTest {

    /** A rule whose consequence is on line 9 (the {@code %s}). */
    static final String RULE = """
            package acme
            import io.fieldhub.rules.Reading
            global io.fieldhub.rules.Alerts alerts

            rule "Pump"
            when
                $r : Reading( type == "pump" )
            then
                %s
            end
            """;

    final RulePolicy policy = new RulePolicy();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            System.exit                 | System.exit(1);                                               | System is not allowed in a rule (the JVM and the operating system)
            Files.writeString qualified | java.nio.file.Files.writeString(java.nio.file.Path.of("x"), "y"); | java.nio is not allowed in a rule (file system access)
            Runtime exec                | Runtime.getRuntime().exec("touch x");                         | Runtime is not allowed in a rule
            new ProcessBuilder          | new ProcessBuilder("sh").start();                             | ProcessBuilder is not allowed in a rule (running programs)
            Thread                      | new Thread(() -> alerts.raise("INFO", "x", $r)).start();      | Thread is not allowed in a rule (threads)
            class loader                | $r.getClass().getClassLoader();                               | getClass is not allowed in a rule (reflection and class loading
            Class.forName               | Class.forName("java.lang.Runtime");                           | Class is not allowed in a rule (reflection and class loading
            java.lang.reflect           | java.lang.reflect.Method m = null;                            | java.lang.reflect is not allowed in a rule (reflection)
            java.lang.System            | java.lang.System.exit(1);                                     | java.lang.System is not allowed in a rule (the JVM and the operating system)
            class literal               | Object o = String.class;                                      | class is not allowed in a rule (reflection
            a name split by a comment   | java . /* hidden */ nio.file.Files.delete(null);              | java.nio is not allowed in a rule (file system access)
            unicode-escaped System      | \\u0053ystem.exit(1);                                         | \\u0053 is not allowed in a rule (a unicode escape
            unicode newline in comment  | // harmless \\u000a System.exit(1);                           | \\u000a is not allowed in a rule (a unicode escape
            invisible character         | Sys\u200Etem.exit(1);                                         | the invisible character U+200E is not allowed in a rule
            a string hiding code        | String s = "x + System.exit(1);                               | a string that runs past the end of its line is not allowed
            engine internals            | drools.getKieRuntime().halt();                                | drools.getKieRuntime is not allowed in a rule (engine internals
            drools passed on            | Object d = drools;                                            | drools is not allowed in a rule (engine internals
            MVEL reflection             | Array.newInstance(Integer.TYPE, 1);                          | Array is not allowed in a rule (reflection)
            a nested class by its binary name | Object s = Thread$State.NEW;                           | Thread$State is not allowed in a rule (threads)
            kcontext                    | kcontext.getKieRuntime().dispose();                           | kcontext is not allowed in a rule (engine internals
            a hub class                 | io.fieldhub.rules.RuleEngine.fromFolder(null, 1, null);       | io.fieldhub.rules.RuleEngine is not allowed in a rule (outside the allow-list
            a library class             | org.springframework.util.FileSystemUtils.deleteRecursively(null); | org.springframework.util.FileSystemUtils is not allowed in a rule (outside the allow-list
            """)
    void refusesForbiddenCodeInAConsequenceWithItsLine(String name, String consequence, String message) {
        var violations = policy.check(drl(RULE.formatted(consequence)));

        assertThat(violations).anySatisfy(v -> {
            assertThat(v.file()).isEqualTo("acme/x.drl");
            assertThat(v.line()).isEqualTo(9);
            assertThat(v.message()).startsWith(message);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            Math.max                     | alerts.raise("INFO", "max " + Math.max(1, 2), $r);
            java.time.Duration           | java.time.Duration d = java.time.Duration.ofMinutes(5);
            java.util.List               | java.util.List<String> l = new java.util.ArrayList<>(java.util.List.of("a"));
            a string naming System.exit  | alerts.raise("INFO", "never System.exit(0) nor java.nio.file.Files.delete", $r);
            a comment naming System.exit | alerts.raise("INFO", "x", $r); // no System.exit here, nor /* java.io */
            an escaped quote             | alerts.raise("INFO", "a \\"quoted\\" System.exit", $r);
            a char literal               | char c = '"'; alerts.raise("INFO", "c" + c, $r);
            the rule's name              | alerts.raise("INFO", drools.getRule().getName(), $r);
            fact methods                 | alerts.raise("INFO", $r.getDeviceId().toUpperCase() + $r.metric("flow"), $r);
            """)
    void allowsWhatRulesNeed(String name, String consequence) {
        assertThat(policy.check(drl(RULE.formatted(consequence)))).isEmpty();
    }

    @Test
    void refusesAnImportedFileSystemClassAtTheImport() {
        String text = RULE.formatted("Files.writeString(null, \"y\");")
                .replace(
                        "import io.fieldhub.rules.Reading",
                        "import io.fieldhub.rules.Reading\nimport java.nio.file.Files");

        assertThat(policy.check(drl(text)))
                .extracting(PolicyViolation::line, PolicyViolation::message)
                .containsExactly(tuple(3, "java.nio is not allowed in a rule (file system access)"));
    }

    @Test
    void aLineCommentEndsAtALoneCarriageReturnAsItDoesForJavac() {
        String text = RULE.formatted("// a note\rSystem.exit(1);");

        assertThat(policy.check(drl(text)))
                .extracting(PolicyViolation::message)
                .contains("System is not allowed in a rule (the JVM and the operating system)");
    }

    @Test
    void refusesAFunctionBodyThatReachesTheNetwork() {
        String text = """
                package acme

                function void ping() {
                    new java.net.URL("http://example.com").openStream();
                }
                """;

        assertThat(policy.check(drl(text)))
                .extracting(PolicyViolation::line, PolicyViolation::message)
                .containsExactly(tuple(4, "java.net is not allowed in a rule (network access)"));
    }

    @Test
    void refusesAnMvelConsequence() {
        String text = RULE.formatted("$r.class.classLoader.loadClass(\"x\");")
                .replace("rule \"Pump\"", "rule \"Pump\" dialect \"mvel\"");

        assertThat(policy.check(drl(text)))
                .extracting(PolicyViolation::line, PolicyViolation::message)
                .containsExactly(tuple(
                        9,
                        "class is not allowed in a rule"
                                + " (reflection and class loading: no name may contain \"class\")"));
    }

    @Test
    void refusesWildcardImportsOutsideTheAllowList() {
        String text = RULE.formatted("")
                .replace(
                        "import io.fieldhub.rules.Reading",
                        "import io.fieldhub.rules.Reading\nimport java.time.*\nimport java.util.*");

        assertThat(policy.check(drl(text)))
                .extracting(PolicyViolation::line, PolicyViolation::message)
                .containsExactly(tuple(
                        4,
                        "java.util.* is not allowed in a rule (only java.time and java.math may be"
                                + " imported whole; import the classes one by one)"));
    }

    @Test
    void refusesARulePackageThatIsALibrarys() {
        String text = RULE.formatted("").replace("package acme", "package io.fieldhub.config");

        assertThat(policy.check(drl(text))).singleElement().satisfies(v -> {
            assertThat(v.line()).isEqualTo(1);
            assertThat(v.message()).startsWith("package io.fieldhub.config is not allowed for rules");
        });
    }

    @Test
    void allowsTypesDeclaredInTheRuleSetsOwnPackages() {
        Map<String, byte[]> files = Map.of(
                "acme/watch.drl", bytes("package acme\ndeclare Watch\n    since : long\nend\n"),
                "acme/x.drl", bytes(RULE.formatted("insert(new acme.Watch(java.lang.Math.max(1L, 2L)));")));

        assertThat(policy.check(files)).isEmpty();
    }

    @Test
    void reportsAFileThatDoesNotParseWithTheParsersLine() {
        assertThat(policy.check(drl(RULE.formatted("").replace("type == \"pump\" )", "type == ))"))))
                .extracting(PolicyViolation::line)
                .containsExactly(7);
    }

    @Test
    void theShippedRulesPass() {
        assertThat(policy.check(RuleSetBuilder.readFolder(Path.of("..", "rules"))))
                .isEmpty();
    }

    @Test
    void aDecisionTableIsCheckedAsTheDrlItBecomesAndNamedByItsFileAndRow(@TempDir Path dir) throws Exception {
        String shipped = Files.readString(Path.of("..", "rules", "fieldhub", "engine", "engine-limits.drl.csv"));
        String table = shipped.replaceFirst(
                "\"String severity = \"\"\\$param\"\";\"", "\"String severity = \"\"\\$param\"\"; System.exit(1);\"");
        assertThat(table).isNotEqualTo(shipped);

        assertThat(policy.check(Map.of("fieldhub/engine/engine-limits.drl.csv", bytes(table))))
                .extracting(PolicyViolation::file, PolicyViolation::line)
                .containsExactly(
                        tuple("fieldhub/engine/engine-limits.drl.csv", 11),
                        tuple("fieldhub/engine/engine-limits.drl.csv", 12));
    }

    @Test
    void theBuilderRefusesBeforeBuildingAndNamesFileAndLine(@TempDir Path dir) {
        Path target = dir.resolve("written-by-a-rule.txt");
        String text =
                RULE.formatted("java.nio.file.Files.writeString(java.nio.file.Path.of(\"" + target + "\"), \"x\");");

        assertThatThrownBy(() -> new RuleSetBuilder(Duration.ofMinutes(15)).build(drl(text)))
                .isInstanceOf(RuleBuildException.class)
                .hasMessageContaining("acme/x.drl:9: java.nio is not allowed in a rule (file system access)")
                .extracting(e -> ((RuleBuildException) e).errors())
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .containsExactly(new RuleBuildException.BuildError(
                        "acme/x.drl", 9, "java.nio is not allowed in a rule (file system access)"));
    }

    private static Map<String, byte[]> drl(String text) {
        return Map.of("acme/x.drl", bytes(text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
