package io.fieldhub.rules;

import io.fieldhub.alert.RaisedAlert;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a rule set in force on every partition with each lane stopped only briefly: each partition's new session is
 * built off its lane, all at once ({@link RuleTakeOver}), while the lanes keep evaluating on the old rules. Where a
 * build fails or runs past its limit, that lane swaps on its own thread as before, within the same limit.
 */
final class RuleSwap {

    private static final Logger LOG = LoggerFactory.getLogger(RuleSwap.class);

    private final RuleWorkers workers;
    private final RuleLimits limits;
    private final Consumer<List<RuleError>> report;
    private volatile Executor builders = RuleSwap::ownThread;

    RuleSwap(RuleWorkers workers, RuleLimits limits, Consumer<List<RuleError>> report) {
        this.workers = workers;
        this.limits = limits;
        this.report = report;
    }

    /** Where the new sessions are built: a thread each by default; tests slow the builds down or make them fail. */
    void buildOn(Executor executor) {
        this.builders = executor;
    }

    /** Returns, per partition, what the new rules raised on the state they took over; only once every lane switched. */
    List<RuleWorkers.Result> swap(RuleSet next) {
        long limit = limits.maxEvaluationNanos;
        long start = System.nanoTime();
        // put by the lanes; RulePartition has identity equality
        Map<RulePartition, RuleTakeOver> takeOvers = new ConcurrentHashMap<>();
        try {
            Function<RulePartition, RuleTakeOver> copy = p -> {
                RuleTakeOver t = p.takeOverBy(next);
                takeOvers.put(p, t);
                return t;
            };
            List<RuleTakeOver> started = new ArrayList<>();
            for (RuleTakeOver t : workers.callAll(w -> w.unit(null, limit, () -> copy.apply(w.partition())), false)) {
                if (t != null) {
                    t.start(builders);
                    started.add(t);
                }
            }
            long copied = System.nanoTime();
            Map<RuleTakeOver, Boolean> ready = new IdentityHashMap<>();
            List<RuleError> failed = new ArrayList<>();
            started.forEach(t -> ready.put(t, t.ready(failed)));
            if (!failed.isEmpty()) {
                report.accept(failed);
            }
            long built = System.nanoTime();
            AtomicInteger meanwhile = new AtomicInteger();
            List<RuleWorkers.Result> results = workers.callAll(
                    w -> {
                        RulePartition p = w.partition();
                        RuleTakeOver t = takeOvers.get(p);
                        if (t == null || !t.claim()) {
                            // this lane started again meanwhile, on the new rules already
                            return RuleWorkers.Result.NONE;
                        }
                        meanwhile.addAndGet(t.changes());
                        return Boolean.TRUE.equals(ready.get(t))
                                ? w.unit(null, limit * (1 + t.changes() / 1000), () -> result(p, p.takeOver(t)))
                                : w.unit(null, limit * (1 + p.liveReadings() / 1000), () -> result(p, p.swap(next)));
                    },
                    false);
            // where a swap's time goes, once per reload: the lanes stop only for the first and last phases
            LOG.info(
                    "Rules swapped on {} lanes: copied in {} ms, built off the lanes in {} ms ({} readings, {} lanes on"
                            + " their own thread instead), taken over in {} ms ({} changes left to take in)",
                    takeOvers.size(),
                    (copied - start) / 1_000_000,
                    (built - copied) / 1_000_000,
                    takeOvers.values().stream().mapToInt(RuleTakeOver::readings).sum(),
                    ready.values().stream().filter(r -> !r).count(),
                    (System.nanoTime() - built) / 1_000_000,
                    meanwhile.get());
            return results;
        } finally {
            takeOvers.values().forEach(RuleTakeOver::discard);
        }
    }

    /** A thread for one build: a swap is rare, and a build stuck in a rule must not hold a pool's thread. */
    private static void ownThread(Runnable build) {
        Thread thread = new Thread(build, "rules-take-over");
        thread.setDaemon(true);
        // a wish: Linux ignores Java's priorities unless the JVM is told otherwise
        thread.setPriority(Thread.MIN_PRIORITY);
        thread.start();
    }

    private static RuleWorkers.Result result(RulePartition p, List<RaisedAlert> raised) {
        return new RuleWorkers.Result(raised, p.drainErrors(), 0);
    }
}
