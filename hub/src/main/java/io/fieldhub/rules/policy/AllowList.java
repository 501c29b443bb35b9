package io.fieldhub.rules.policy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What rule text may name. Types: the fact model, java.lang basics, java.time, java.math and the java.util
 * collections. Everything else outside a rule set's own packages is refused; the names and packages below are
 * refused with the reason a rule author should read.
 */
final class AllowList {

    /** The fact model rules are written against (see rules/README.md). */
    static final Set<String> FACT_MODEL =
            Set.of("io.fieldhub.rules.Reading", "io.fieldhub.rules.Device", "io.fieldhub.rules.Alerts");

    /** The JDK types a rule may name and import, besides those of {@link #PACKAGES}. */
    static final Set<String> TYPES = Set.of(
            "java.lang.Math",
            "java.lang.StrictMath",
            "java.lang.String",
            "java.lang.StringBuilder",
            "java.lang.CharSequence",
            "java.lang.Character",
            "java.lang.Boolean",
            "java.lang.Byte",
            "java.lang.Short",
            "java.lang.Integer",
            "java.lang.Long",
            "java.lang.Float",
            "java.lang.Double",
            "java.lang.Number",
            "java.lang.Comparable",
            "java.lang.Iterable",
            "java.lang.Object",
            "java.lang.IllegalArgumentException",
            "java.lang.IllegalStateException",
            "java.math.BigDecimal",
            "java.math.BigInteger",
            "java.math.MathContext",
            "java.math.RoundingMode",
            "java.util.List",
            "java.util.ArrayList",
            "java.util.LinkedList",
            "java.util.Map",
            "java.util.HashMap",
            "java.util.LinkedHashMap",
            "java.util.TreeMap",
            "java.util.SortedMap",
            "java.util.NavigableMap",
            "java.util.Set",
            "java.util.HashSet",
            "java.util.LinkedHashSet",
            "java.util.TreeSet",
            "java.util.SortedSet",
            "java.util.NavigableSet",
            "java.util.Collection",
            "java.util.Collections",
            "java.util.Arrays",
            "java.util.Objects",
            "java.util.Optional",
            "java.util.OptionalInt",
            "java.util.OptionalLong",
            "java.util.OptionalDouble",
            "java.util.Deque",
            "java.util.ArrayDeque",
            "java.util.Queue",
            "java.util.Iterator",
            "java.util.Comparator",
            "java.util.StringJoiner",
            "java.util.DoubleSummaryStatistics",
            "java.util.IntSummaryStatistics",
            "java.util.LongSummaryStatistics",
            "java.util.stream.Collectors",
            "java.util.stream.Stream",
            "java.util.stream.IntStream",
            "java.util.stream.LongStream",
            "java.util.stream.DoubleStream");

    /** Packages whose every class is allowed, so they may be imported with {@code .*}. */
    static final Set<String> PACKAGES = Set.of("java.time", "java.time.format", "java.time.temporal", "java.math");

    /** Packages refused with a reason; any other package outside the allow-list is refused too. */
    static final Map<String, String> FORBIDDEN_PACKAGES = Map.ofEntries(
            Map.entry("java.io", "file system access"),
            Map.entry("java.nio", "file system access"),
            Map.entry("java.net", "network access"),
            Map.entry("javax.net", "network access"),
            Map.entry("java.rmi", "network access"),
            Map.entry("java.sql", "database access"),
            Map.entry("javax.sql", "database access"),
            Map.entry("java.lang.reflect", "reflection"),
            Map.entry("java.lang.invoke", "reflection"),
            Map.entry("java.lang.instrument", "reflection"),
            Map.entry("java.lang.management", "JVM management"),
            Map.entry("javax.management", "JVM management"),
            Map.entry("java.util.concurrent", "threads"),
            Map.entry("javax.script", "running scripts"),
            Map.entry("javax.naming", "JNDI lookups"),
            Map.entry("sun", "JDK internals"),
            Map.entry("jdk", "JDK internals"),
            Map.entry("com.sun", "JDK internals"));

    /** Names refused wherever they appear as a name in code (not in comments or string literals). */
    static final Map<String, String> FORBIDDEN_NAMES = Map.ofEntries(
            Map.entry("System", "the JVM and the operating system"),
            Map.entry("Runtime", "the JVM and the operating system"),
            Map.entry("ProcessBuilder", "running programs"),
            Map.entry("Process", "running programs"),
            Map.entry("ProcessHandle", "running programs"),
            Map.entry("SecurityManager", "the JVM and the operating system"),
            Map.entry("Thread", "threads"),
            Map.entry("ThreadGroup", "threads"),
            Map.entry("Executors", "threads"),
            Map.entry("ExecutorService", "threads"),
            Map.entry("ForkJoinPool", "threads"),
            Map.entry("CompletableFuture", "threads"),
            Map.entry("Timer", "threads"),
            Map.entry("forName", "class loading"),
            Map.entry("ServiceLoader", "class loading"),
            Map.entry("ResourceBundle", "class loading"),
            Map.entry("Module", "class loading"),
            Map.entry("ModuleLayer", "class loading"),
            Map.entry("Package", "class loading"),
            Map.entry("Compiler", "class loading"),
            Map.entry("StackWalker", "reflection"),
            Map.entry("MethodHandles", "reflection"),
            Map.entry("MethodHandle", "reflection"),
            Map.entry("VarHandle", "reflection"),
            Map.entry("Unsafe", "reflection"),
            // MVEL knows these without an import: java.lang.reflect.Array, and blocks that look names up as text.
            Map.entry("Array", "reflection"),
            Map.entry("stacklang", "MVEL's stack language looks names up at run time"),
            Map.entry("getMethod", "reflection"),
            Map.entry("getDeclaredMethod", "reflection"),
            Map.entry("getField", "reflection"),
            Map.entry("getDeclaredField", "reflection"),
            Map.entry("getConstructor", "reflection"),
            Map.entry("getDeclaredConstructor", "reflection"),
            Map.entry("newInstance", "reflection"),
            Map.entry("setAccessible", "reflection"),
            Map.entry("kcontext", "engine internals; a rule acts through insert, modify, delete and the globals"));

    /** Any name containing this, in any case: Class, getClass, .class, ClassLoader, getDeclaringClass... */
    static final String CLASS = "class";

    /** What a rule may ask of {@code drools}: its own name and match. The rest reaches the engine's internals. */
    static final List<String> DROOLS_HELPERS = List.of("getRule", "getMatch");

    /**
     * Top-level names of the JDK's and the hub's libraries' packages. A rule package must not be one of theirs:
     * the code of a rule sees the classes of its own package without naming them.
     */
    static final Set<String> LIBRARY_ROOTS =
            Set.of("java", "javax", "jdk", "sun", "com", "org", "net", "io", "jakarta");

    private AllowList() {}

    /** Whether {@code type} (a fully qualified class name) may be named in a rule. */
    static boolean allowsType(String type) {
        return FACT_MODEL.contains(type)
                || TYPES.contains(type)
                || PACKAGES.contains(type.substring(0, Math.max(type.lastIndexOf('.'), 0)));
    }

    /** The reason {@code dotted} (a qualified name) is in a forbidden package, or null when it is not. */
    static String forbiddenPackage(String dotted) {
        for (var e : FORBIDDEN_PACKAGES.entrySet()) {
            if (dotted.equals(e.getKey()) || dotted.startsWith(e.getKey() + ".")) {
                return e.getKey() + " is not allowed in a rule (" + e.getValue() + ")";
            }
        }
        return null;
    }

    /** The reason a simple name is refused, or null when it is not. */
    static String forbiddenName(String name) {
        // javac may resolve Thread$State as a nested class by its binary name, so each part counts on its own.
        for (String part : name.split("\\$")) {
            String reason = FORBIDDEN_NAMES.get(part);
            if (reason != null) {
                return name + " is not allowed in a rule (" + reason + ")";
            }
        }
        if (name.toLowerCase(Locale.ROOT).contains(CLASS)) {
            return name + " is not allowed in a rule (reflection and class loading: no name may contain \"class\")";
        }
        return null;
    }
}
