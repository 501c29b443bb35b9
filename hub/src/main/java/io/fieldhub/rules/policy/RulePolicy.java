package io.fieldhub.rules.policy;

import io.fieldhub.rules.policy.CodeScan.Finding;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsError;

/**
 * What rule text may do, checked before a rule set is built or run: rules reach the fact model and a small
 * allow-list of JDK types, never the file system, the network, processes, threads, reflection or class loading
 * (see {@link AllowList} and docs/rules.md). A static check of names, not a sandbox.
 *
 * <p>Each file is read with Drools' own parser (a decision table first turned into DRL as the build does): a file
 * the parser refuses is reported with the parser's errors, and its package must not be a library's. Then the
 * whole text is scanned by {@link CodeScan}.
 */
public final class RulePolicy {

    /** A rule file as DRL: its text, and whether it came from a decision table. */
    private record Source(String file, String drl, boolean table, PackageDescr parsed) {}

    private final DecisionTables tables = new DecisionTables();

    /** Checks every file (paths relative to the rules folder); returns what is refused, each once; empty if none. */
    public List<PolicyViolation> check(Map<String, byte[]> files) {
        List<PolicyViolation> violations = new ArrayList<>();
        Map<String, Source> sources = new LinkedHashMap<>();
        files.forEach((file, content) -> read(file, content, violations).ifPresent(s -> sources.put(file, s)));
        tables.keepOnly(files.keySet());
        Set<String> packages = new HashSet<>();
        for (Source source : sources.values()) {
            if (source.parsed() != null && !source.parsed().getName().isEmpty()) {
                packages.add(source.parsed().getName());
            }
        }
        for (Source source : sources.values()) {
            packageOf(source, violations);
            for (Finding f : CodeScan.scan(source.drl(), packages)) {
                violations.add(at(source, f.line(), f.message()));
            }
        }
        return violations.stream().distinct().toList();
    }

    private Optional<Source> read(String file, byte[] content, List<PolicyViolation> violations) {
        String drl;
        boolean table = DecisionTables.isTable(file);
        try {
            drl = table ? tables.toDrl(file, content) : utf8(content);
        } catch (CharacterCodingException e) {
            violations.add(new PolicyViolation(file, 0, "is not UTF-8 text; save it as UTF-8"));
            return Optional.empty();
        } catch (RuntimeException e) {
            violations.add(new PolicyViolation(file, 0, "cannot be read as a decision table: " + e.getMessage()));
            return Optional.empty();
        }
        DrlParser parser = new DrlParser();
        PackageDescr parsed;
        try {
            parsed = parser.parse(false, drl);
        } catch (Exception e) {
            parsed = null;
            violations.add(new PolicyViolation(file, 0, "does not parse: " + e.getMessage()));
        }
        Source source = new Source(file, drl, table, parser.hasErrors() ? null : parsed);
        for (DroolsError error : parser.getErrors()) {
            int[] lines = error.getLines();
            violations.add(at(source, lines.length > 0 ? lines[0] : 0, error.getMessage()));
        }
        return Optional.of(source);
    }

    /** A rule package that is also a library's would let the rule use that package's classes without naming them. */
    private static void packageOf(Source source, List<PolicyViolation> violations) {
        if (source.parsed() == null || source.parsed().getName().isEmpty()) {
            return;
        }
        String name = source.parsed().getName();
        String root = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        if (AllowList.LIBRARY_ROOTS.contains(root) || libraryPackage(name)) {
            violations.add(at(
                    source,
                    Math.max(source.parsed().getLine(), 0),
                    "package " + name
                            + " is not allowed for rules (a Java or library package: the rules would see its classes);"
                            + " use a name of your own, like fieldhub.engine"));
        }
    }

    private static boolean libraryPackage(String name) {
        ClassLoader loader = RulePolicy.class.getClassLoader();
        return loader.getResource(name.replace('.', '/')) != null
                || ModuleLayer.boot().modules().stream()
                        .anyMatch(m -> m.getPackages().contains(name));
    }

    private static PolicyViolation at(Source source, int line, String message) {
        if (!source.table()) {
            return new PolicyViolation(source.file(), line, message);
        }
        int row = DecisionTables.rowOf(source.drl(), line);
        return new PolicyViolation(
                source.file(),
                row,
                row > 0
                        ? message + " (in the rule of row " + row + ")"
                        : message + " (in the table's RuleSet, Import, Variables or Functions rows)");
    }

    private static String utf8(byte[] content) throws CharacterCodingException {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(content))
                .toString();
    }
}
