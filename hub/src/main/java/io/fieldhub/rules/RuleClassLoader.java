package io.fieldhub.rules;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hub's class path as the rule bases see it, remembering the names it does not hold. Drools' MVEL resolves each
 * name in a constraint or consequence by trying it as a class in every package the rules import, and a name that is
 * not a class costs a search of every jar of the hub; a new base (each reload's candidate, each copy) asks again. The
 * class path does not change while the hub runs, so a miss once is a miss for good.
 */
final class RuleClassLoader extends ClassLoader {

    static final RuleClassLoader INSTANCE = new RuleClassLoader(Reading.class.getClassLoader());

    // far beyond the names any rule set tries; a bound, so odd rules cannot grow it without end
    private static final int MAX_MISSES = 100_000;

    static {
        registerAsParallelCapable();
    }

    private final Set<String> misses = ConcurrentHashMap.newKeySet();

    private RuleClassLoader(ClassLoader hub) {
        super("fieldhub-rules", hub);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (misses.contains(name)) {
            throw new ClassNotFoundException(name);
        }
        try {
            return super.loadClass(name, resolve);
        } catch (ClassNotFoundException e) {
            if (misses.size() < MAX_MISSES) {
                misses.add(name);
            }
            throw e;
        }
    }
}
