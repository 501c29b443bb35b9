package io.fieldhub.rules;

import java.util.concurrent.TimeUnit;
import org.kie.api.KieServices;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.KieSessionConfiguration;
import org.kie.api.runtime.conf.ClockTypeOption;
import org.kie.api.time.SessionPseudoClock;

/** Opens the sessions partitions evaluate in: a pseudo clock at the rule clock, the alerts global, the guard. */
final class RuleSessions {

    // One for every session: making one reads Drools' property files from the class path each time, which cost each
    // scenario of a reload's check a class path search (sessions only read it).
    private static final KieSessionConfiguration PSEUDO_CLOCK = pseudoClock();

    private RuleSessions() {}

    static KieSession open(RuleSet set, long clockMillis, Alerts alerts, FiringGuard guard) {
        KieSession session = set.kieBase().newKieSession(PSEUDO_CLOCK, null);
        useAlerts(session, set, alerts);
        SessionPseudoClock clock = session.getSessionClock();
        clock.advanceTime(clockMillis - clock.getCurrentTime(), TimeUnit.MILLISECONDS);
        session.addEventListener(guard);
        // Alerts name the rule that raised them, and carry its @clearAfter, without the DRL repeating either.
        session.addEventListener(new DefaultAgendaEventListener() {
            @Override
            public void beforeMatchFired(BeforeMatchFiredEvent event) {
                String rule = event.getMatch().getRule().getName();
                alerts.firing(rule, clock.getCurrentTime());
            }
        });
        return session;
    }

    private static KieSessionConfiguration pseudoClock() {
        KieSessionConfiguration conf = KieServices.Factory.get().newKieSessionConfiguration();
        conf.setOption(ClockTypeOption.PSEUDO);
        return conf;
    }

    /** Hands the rules of {@code set} (in force in {@code session}) the alerts global, where they declare it. */
    static void useAlerts(KieSession session, RuleSet set, Alerts alerts) {
        alerts.rulesIn(set);
        if (declaresAlerts(set)) {
            session.setGlobal("alerts", alerts);
        }
    }

    private static boolean declaresAlerts(RuleSet set) {
        return set.kieBase().getKiePackages().stream()
                .anyMatch(p -> p.getGlobalVariables().stream()
                        .anyMatch(g -> g.getName().equals("alerts")));
    }
}
