package io.fieldhub.rules;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts an edit of some rule files in force by changing the rule base in force in place ({@link RuleDelta}), the base
 * every partition's session is made from: the lanes keep their sessions, readings, devices and rule clock, and only
 * what the changed rules match is evaluated again. So an edit costs what its rules touch, not a rebuild of every
 * window as {@link RuleSwap} does. Drools changes a base only while none of its sessions is busy, so all lanes stop
 * together, between two messages, while it changes; then each lane fires what the changed rules now match.
 */
final class RuleUpdate {

    private static final Logger LOG = LoggerFactory.getLogger(RuleUpdate.class);

    private final RuleWorkers workers;
    private final RuleLimits limits;

    RuleUpdate(RuleWorkers workers, RuleLimits limits) {
        this.workers = workers;
        this.limits = limits;
    }

    /** {@code next}'s rules, files and settings on {@code inForce}'s base: what is in force once the delta applied. */
    static RuleSet inPlace(RuleSet inForce, RuleSet next) {
        return new RuleSet(
                next.version(),
                next.files(),
                inForce.kieBase(),
                next.clearAfter(),
                next.lookBack(),
                next.buildMillis());
    }

    /**
     * Applies {@code delta} to the base of {@code updated} (made by {@link #inPlace}) and returns, per partition, what
     * the changed rules raised on the state in force. Null when the base did not change fully: the lanes did not all
     * stop within {@code hub.rules.max-evaluation-time}, or Drools refused or only queued the change; the caller then
     * puts the rules in force by new sessions, which replace this base altogether.
     */
    List<RuleWorkers.Result> apply(RuleDelta delta, RuleSet updated) {
        long start = System.nanoTime();
        long limit = limits.maxEvaluationNanos;
        // stopping and firing what the changed rules match in rule memory: as a swap, once more per 1,000 readings
        long unitLimit = limit * (2 + workers.liveReadings() / 1000);
        AtomicBoolean changed = new AtomicBoolean();
        AtomicLong stopped = new AtomicLong();
        AtomicLong resumed = new AtomicLong();
        CyclicBarrier allStopped = new CyclicBarrier(workers.count(), () -> {
            stopped.set(System.nanoTime());
            changed.set(applied(delta, updated));
            resumed.set(System.nanoTime());
        });
        List<RuleWorkers.Result> results = workers.callAll(
                w -> w.unit(null, unitLimit, () -> {
                    try {
                        allStopped.await(limit, TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return null;
                    } catch (BrokenBarrierException | TimeoutException e) {
                        return null;
                    }
                    if (!changed.get()) {
                        return null;
                    }
                    RulePartition p = w.partition();
                    return new RuleWorkers.Result(p.updatedTo(updated), p.drainErrors(), 0);
                }),
                false);
        if (!changed.get()) {
            LOG.warn(
                    "Rules version {} could not be applied in place ({}); new sessions take over instead",
                    updated.version(),
                    stopped.get() == 0 ? "the lanes did not all stop in time" : "Drools did not change the base");
            return null;
        }
        LOG.info(
                "Rules updated in place on {} lanes ({}; {}): lanes stopped {} ms after the start, for {} ms; fired"
                        + " what the changes match in {} ms more",
                workers.count(),
                String.join(", ", delta.changedFiles()),
                delta.size(),
                (stopped.get() - start) / 1_000_000,
                (resumed.get() - stopped.get()) / 1_000_000,
                (System.nanoTime() - resumed.get()) / 1_000_000);
        return results.stream()
                .map(r -> Objects.requireNonNullElse(r, RuleWorkers.Result.NONE))
                .toList();
    }

    private static boolean applied(RuleDelta delta, RuleSet updated) {
        try {
            return delta.applyTo(updated.kieBase());
        } catch (RuntimeException e) {
            LOG.warn("Drools could not change the rule base in place: {}", e.toString());
            return false;
        }
    }
}
