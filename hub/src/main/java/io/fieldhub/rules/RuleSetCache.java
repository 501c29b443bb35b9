package io.fieldhub.rules;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectInputFilter;
import java.io.ObjectOutput;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.drools.base.common.DroolsObjectInputStream;
import org.drools.base.common.DroolsObjectOutputStream;
import org.drools.core.impl.KnowledgeBaseImpl;
import org.drools.kiesession.rulebase.InternalKnowledgeBase;
import org.drools.kiesession.rulebase.KnowledgeBaseFactory;
import org.drools.wiring.api.classloader.ProjectClassLoader;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.conf.EventProcessingOption;
import org.kie.api.definition.KiePackage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compiled rule set of the last start, kept in one file, so that a start whose rules have not changed loads
 * the compiled packages instead of compiling them again (seconds of CPU: parsing, decision tables, the Java
 * compiler). The file is used only when its key matches: a hash of the rule files (paths and contents), the code
 * they compile against ({@code codeIdentity}: the hub's classes), the Drools version and the Java runtime. Anything
 * else, and any file that does not read back, means a build as without the cache, which then replaces the file.
 */
public final class RuleSetCache {

    private static final Logger LOG = LoggerFactory.getLogger(RuleSetCache.class);

    /** What a compiled rule set is made of: Drools' own types, the fact model, and the JDK's collections. */
    private static final ObjectInputFilter CONTENT = ObjectInputFilter.Config.createFilter(
            "maxdepth=200;java.lang.*;java.util.*;java.util.concurrent.*;java.util.concurrent.locks.*;"
                    + "org.drools.**;org.kie.**;io.fieldhub.rules.*;!*");

    private final Path file;
    private final String codeIdentity;

    /**
     * @param file         where the compiled rule set is kept (its folder is created when needed)
     * @param codeIdentity identifies the classes the rules compile against; see {@link #identityOf(Path)}
     */
    public RuleSetCache(Path file, String codeIdentity) {
        this.file = file;
        this.codeIdentity = codeIdentity;
    }

    /** The outcome of {@link #load}: the rule set, and whether it came from the file instead of a build. */
    public record Loaded(RuleSet rules, boolean fromCache) {}

    /**
     * The rule set of {@code files}: from the file when it holds exactly their compiled form, else built with
     * {@code builder} (whose errors propagate) and written to the file for the next start.
     */
    public Loaded load(SortedMap<String, byte[]> files, RuleSetBuilder builder) {
        String key = key(files);
        RuleSet cached = read(key, files, builder);
        if (cached != null) {
            return new Loaded(cached, true);
        }
        RuleSet built = builder.build(files);
        write(key, built);
        return new Loaded(built, false);
    }

    private RuleSet read(String key, SortedMap<String, byte[]> files, RuleSetBuilder builder) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        long start = System.nanoTime();
        InternalKnowledgeBase kieBase = emptyBase();
        var loader = (ProjectClassLoader) kieBase.getRootClassLoader();
        try (var in = new DroolsObjectInputStream(new BufferedInputStream(Files.newInputStream(file)), loader)) {
            in.setObjectInputFilter(CONTENT);
            if (!key.equals(in.readUTF())) {
                return null;
            }
            readRules(kieBase, in);
            return builder.ruleSet(files, kieBase, start);
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            LOG.warn("The compiled rules in {} do not read back ({}); building the rules instead", file, e.toString());
            return null;
        }
    }

    /** A new, empty STREAM-mode base, whose class loader defines the classes its rules will declare. */
    static InternalKnowledgeBase emptyBase() {
        var conf = KieServices.Factory.get().newKieBaseConfiguration(null, RuleClassLoader.INSTANCE);
        conf.setOption(EventProcessingOption.STREAM);
        return KnowledgeBaseFactory.newKnowledgeBase(conf);
    }

    /** Writes what {@code kieBase}'s rules are made of: the classes they declare, then the compiled packages. */
    static void writeRules(KieBase kieBase, ObjectOutput out) throws IOException {
        writeRules(((InternalKnowledgeBase) kieBase).getRootClassLoader(), kieBase.getKiePackages(), out);
    }

    /** As {@link #writeRules(KieBase, ObjectOutput)}, from the packages and class loader of a builder. */
    static void writeRules(ClassLoader loader, Collection<KiePackage> packages, ObjectOutput out) throws IOException {
        Map<String, byte[]> declared = ((ProjectClassLoader) loader).getStore();
        // null until a rule declares a class
        out.writeObject(declared == null ? new HashMap<>() : new HashMap<>(declared));
        out.writeObject(new ArrayList<>(packages));
    }

    /** Reads what {@link #writeRules} wrote into {@code kieBase}, made by {@link #emptyBase}. */
    static void readRules(InternalKnowledgeBase kieBase, ObjectInput in) throws IOException, ClassNotFoundException {
        // classes the rules declare (declare ... end) are defined from here before the packages refer to them
        @SuppressWarnings("unchecked")
        Map<String, byte[]> declared = (Map<String, byte[]>) in.readObject();
        ((ProjectClassLoader) kieBase.getRootClassLoader()).storeClasses(declared);
        @SuppressWarnings("unchecked")
        List<KiePackage> packages = (List<KiePackage>) in.readObject();
        kieBase.addPackages(packages);
    }

    private void write(String key, RuleSet rules) {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            try (var out = new DroolsObjectOutputStream(new BufferedOutputStream(Files.newOutputStream(temp)))) {
                out.writeUTF(key);
                writeRules(rules.kieBase(), out);
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // the hub runs on the rules it just built; only the next start builds again
            LOG.warn("Cannot keep the compiled rules in {}: {}", file, e.toString());
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a temporary file left behind is never read, and the next write replaces it
            }
        }
    }

    private String key(SortedMap<String, byte[]> files) {
        MessageDigest sha = sha256();
        update(sha, "fieldhub-rules-cache-1");
        update(sha, codeIdentity);
        update(sha, String.valueOf(KnowledgeBaseImpl.class.getPackage().getImplementationVersion()));
        update(sha, Runtime.version().toString());
        files.forEach((path, content) -> {
            update(sha, path);
            sha.update(content);
            sha.update((byte) 0);
        });
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Identifies the code at {@code source}, a jar or a folder of classes: a hash of every entry's name, size and
     * CRC-32 (a jar; its central directory only, so even the 300 MB executable jar takes milliseconds), or of every
     * file's path and content (a folder).
     */
    public static String identityOf(Path source) {
        MessageDigest sha = sha256();
        try {
            if (Files.isDirectory(source)) {
                try (Stream<Path> paths = Files.walk(source)) {
                    for (Path p : paths.filter(Files::isRegularFile).sorted().toList()) {
                        update(sha, source.relativize(p).toString());
                        sha.update(Files.readAllBytes(p));
                    }
                }
            } else {
                try (var zip = new ZipFile(source.toFile())) {
                    zip.stream()
                            .forEach(entry ->
                                    update(sha, entry.getName() + "|" + entry.getSize() + "|" + entry.getCrc()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + source, e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest sha, String text) {
        sha.update(text.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
