package io.fieldhub.rules.deploy;

import io.fieldhub.rules.RuleSetBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The rules folder as the one source of truth: a rule set deployed through the API is written here, so a restart
 * or the next file-watch reload sees the same rules. Scenario files and READMEs are left alone.
 */
final class RuleFolder {

    private final Path dir;

    RuleFolder(Path dir) {
        this.dir = dir;
    }

    /** Makes the folder's rule files exactly {@code files}: each written atomically, the others deleted. */
    void replaceRuleFiles(Map<String, byte[]> files) {
        try {
            for (var file : files.entrySet()) {
                Path target = resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Path temp = Files.createTempFile(target.getParent(), ".deploy-", ".tmp");
                Files.write(temp, file.getValue());
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            try (Stream<Path> existing = Files.walk(dir)) {
                for (Path p : existing.filter(Files::isRegularFile).toList()) {
                    String relative = dir.relativize(p).toString().replace('\\', '/');
                    if (RuleSetBuilder.isRuleFile(p.getFileName().toString()) && !files.containsKey(relative)) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the rule files into " + dir, e);
        }
    }

    /** Resolves a path from an upload, refusing any that would land outside the rules folder. */
    Path resolve(String relative) {
        Path target = dir.resolve(relative).normalize();
        if (!target.startsWith(dir.normalize())
                || !RuleSetBuilder.isRuleFile(target.getFileName().toString())) {
            throw new IllegalArgumentException("'" + relative + "' is not a rule file path inside the rules folder"
                    + " (expected e.g. fieldhub/engine/overheat.drl or thresholds.drl.csv)");
        }
        return target;
    }
}
