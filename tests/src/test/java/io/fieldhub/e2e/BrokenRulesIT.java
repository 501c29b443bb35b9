package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule file that does not compile, or that the rule policy refuses, stops the hub at start, naming the file, the
 * line and the error.
 */
class BrokenRulesIT {

    @Test
    void aBrokenRuleFileStopsTheStartWithFileLineAndError(@TempDir Path home) throws Exception {
        copy(Path.of("routes"), home.resolve("routes"));
        Path rules = Files.createDirectories(home.resolve("rules/acme"));
        Files.writeString(rules.resolve("pump.drl"), """
                package acme
                import io.fieldhub.telemetry.TelemetryRecord
                global io.fieldhub.rules.Alerts alerts

                rule "Pump dry"
                when
                    $t : TelemetryRecord( metric("flow") < 0.1 ))
                then
                    alerts.raise("WARNING", "dry", $t);
                end
                """);

        Throwable failure =
                catchThrowable(() -> RunningHub.dedicated("--hub.home=" + home).close());

        assertThat(failure).isNotNull();
        assertThat(rootMessage(failure)).contains("acme/pump.drl:7").contains("Fix the rule file");
    }

    @Test
    void aRuleFileTheRulePolicyRefusesStopsTheStartWithFileLineAndReason(@TempDir Path home) throws Exception {
        copy(Path.of("routes"), home.resolve("routes"));
        Path rules = Files.createDirectories(home.resolve("rules/acme"));
        Files.writeString(rules.resolve("pump.drl"), """
                package acme
                import io.fieldhub.rules.Reading

                rule "Pump stops the hub"
                when
                    $r : Reading( type == "pump" )
                then
                    System.exit(1);
                end
                """);

        Throwable failure =
                catchThrowable(() -> RunningHub.dedicated("--hub.home=" + home).close());

        assertThat(failure).isNotNull();
        assertThat(rootMessage(failure))
                .contains("acme/pump.drl:8: System is not allowed in a rule (the JVM and the operating system)");
    }

    private static String rootMessage(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        return all.toString();
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
