package io.fieldhub.rules;

import io.fieldhub.rules.RuleBuildException.BuildError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.drools.base.base.ClassObjectType;
import org.drools.core.impl.InternalRuleBase;
import org.drools.core.reteoo.ObjectSource;
import org.drools.core.reteoo.ObjectTypeNode;
import org.drools.core.reteoo.WindowNode;
import org.drools.core.rule.BehaviorRuntime;
import org.drools.core.rule.SlidingLengthWindow;
import org.drools.core.rule.SlidingTimeWindow;
import org.kie.api.KieBase;
import org.kie.api.definition.rule.Rule;

/**
 * How far back the rules of a compiled rule set look at readings: the longest {@code over window:time(...)} and
 * the longest temporal distance Drools computed for {@link Reading}. The engine keeps each reading in rule memory
 * that long and no longer, so a rule set without windows holds no reading past its own evaluation.
 */
final class LookBack {

    private LookBack() {}

    /**
     * @param cap {@code hub.rules.retention}: the most a rule set may ask for
     * @throws RuleBuildException naming the rules when they need more than the cap, or a length window (which needs
     *                            no time bound, so the engine cannot keep it whole)
     */
    static Duration of(KieBase kieBase, Duration cap) {
        long longest = 0;
        List<String> tooLong = new ArrayList<>();
        List<String> byLength = new ArrayList<>();
        for (ObjectTypeNode otn : readingNodes((InternalRuleBase) kieBase)) {
            long offset = otn.getExpirationOffset();
            if (offset > 0 && offset < Long.MAX_VALUE) {
                longest = Math.max(longest, offset);
            }
            List<WindowNode> windows = new ArrayList<>();
            collectWindows(otn, windows);
            for (WindowNode window : windows) {
                for (BehaviorRuntime behavior : window.getBehaviors()) {
                    if (behavior instanceof SlidingTimeWindow time) {
                        longest = Math.max(longest, time.getSize());
                        if (time.getSize() > cap.toMillis()) {
                            tooLong.add(rules(window) + " (" + Duration.ofMillis(time.getSize()) + ")");
                        }
                    } else if (behavior instanceof SlidingLengthWindow) {
                        byLength.add(rules(window));
                    }
                }
            }
        }
        List<BuildError> errors = new ArrayList<>();
        tooLong.forEach(r -> errors.add(new BuildError(
                null,
                0,
                r + ": the window is longer than hub.rules.retention ("
                        + cap
                        + "), the most rule memory keeps a reading; shorten the window, or raise hub.rules.retention "
                        + "and the heap with it")));
        byLength.forEach(r -> errors.add(new BuildError(
                null,
                0,
                r + ": window:length is not supported, since "
                        + "readings leave rule memory by time; use window:time")));
        if (!errors.isEmpty()) {
            throw new RuleBuildException(
                    "The rule set looks back further than rule memory keeps readings:\n  "
                            + String.join(
                                    "\n  ",
                                    errors.stream().map(BuildError::toString).toList()),
                    errors);
        }
        return Duration.ofMillis(Math.min(longest, cap.toMillis()));
    }

    private static List<ObjectTypeNode> readingNodes(InternalRuleBase base) {
        List<ObjectTypeNode> out = new ArrayList<>();
        base.getRete()
                .getEntryPointNodes()
                .values()
                .forEach(ep -> ep.getObjectTypeNodes().forEach((type, otn) -> {
                    if (type instanceof ClassObjectType c && Reading.class.equals(c.getClassType())) {
                        out.add(otn);
                    }
                }));
        return out;
    }

    private static void collectWindows(ObjectSource source, List<WindowNode> into) {
        if (source instanceof WindowNode window) {
            into.add(window);
        }
        for (var sink : source.getObjectSinkPropagator().getSinks()) {
            if (sink instanceof ObjectSource next) {
                collectWindows(next, into);
            }
        }
    }

    private static String rules(WindowNode window) {
        return "rule "
                + String.join(
                        ", ",
                        new TreeSet<>(Arrays.stream(window.getAssociatedRules())
                                .map(Rule::getName)
                                .map(n -> "\"" + n + "\"")
                                .toList()));
    }
}
