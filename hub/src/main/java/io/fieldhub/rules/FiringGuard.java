package io.fieldhub.rules;

import io.fieldhub.telemetry.TelemetryRecord;
import java.util.List;
import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.AgendaFilter;
import org.kie.api.runtime.rule.ConsequenceException;
import org.kie.api.runtime.rule.Match;

/**
 * Watches one session's firings: counts them against the firing budget, stops firing once the evaluation is past its
 * deadline (a long chain of quick firings), holds quarantined rules back, and knows which rule's consequence is
 * running, so that a consequence that never returns can be named from another thread.
 */
final class FiringGuard extends DefaultAgendaEventListener implements AgendaFilter {

    private final Quarantine quarantine;
    private final RuleLimits limits;
    private int firings;
    private long deadline;
    private boolean overTime;
    private String lastRule;
    private volatile String running;

    FiringGuard(Quarantine quarantine, RuleLimits limits) {
        this.quarantine = quarantine;
        this.limits = limits;
    }

    /**
     * Fires what is due in {@code session}, within the budgets. A consequence that throws is recorded and the other
     * rules still fire; a rule set that goes on firing past the firing budget (a rule that re-triggers itself) or
     * past the deadline (a long chain) is stopped and recorded in {@code errors}.
     */
    void fire(KieSession session, TelemetryRecord record, List<RuleError> errors) {
        String deviceId = record == null ? null : record.deviceId();
        String messageId = record == null ? null : record.messageId();
        int maxFirings = limits.maxFirings;
        firings = 0;
        overTime = false;
        lastRule = null;
        try {
            while (true) {
                try {
                    session.fireAllRules(this, maxFirings - firings);
                    if (firings >= maxFirings) {
                        session.getAgenda().clear();
                        errors.add(new RuleError(
                                null,
                                deviceId,
                                messageId,
                                "budget",
                                "the rules fired " + maxFirings + " times for one reading (hub.rules.max-firings) and"
                                        + " were stopped: a rule probably re-triggers itself"));
                    } else if (overTime) {
                        session.getAgenda().clear();
                        errors.add(new RuleError(
                                lastRule,
                                deviceId,
                                messageId,
                                "time",
                                "the rules ran longer than " + limits.maxEvaluationNanos / 1_000_000
                                        + " ms for one reading (hub.rules.max-evaluation-time) and were stopped after "
                                        + firings + " firings"));
                    }
                    return;
                } catch (ConsequenceException e) {
                    errors.add(new RuleError(
                            e.getMatch().getRule().getName(),
                            deviceId,
                            messageId,
                            "consequence",
                            RuleError.describe(e.getCause())));
                    if (firings >= maxFirings) {
                        session.getAgenda().clear();
                        return;
                    }
                }
            }
        } finally {
            running = null;
        }
    }

    /** The evaluation now running must end by {@code deadlineNanos} (nanoTime). */
    void deadline(long deadlineNanos) {
        deadline = deadlineNanos;
    }

    @Override
    public boolean accept(Match match) {
        if (quarantine.holdsRule(match.getRule().getName())) {
            return false;
        }
        if (System.nanoTime() - deadline > 0) {
            overTime = true;
            return false;
        }
        return true;
    }

    @Override
    public void beforeMatchFired(BeforeMatchFiredEvent event) {
        firings++;
        lastRule = event.getMatch().getRule().getName();
        running = lastRule;
    }

    @Override
    public void afterMatchFired(AfterMatchFiredEvent event) {
        running = null;
    }

    /** The rule whose consequence is running now, or {@code null}; safe to read from any thread. */
    String running() {
        return running;
    }
}
