package io.fieldhub.rules;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Rule engine settings, under {@code hub.rules.*}; defaults and comments live in {@code config/application.yaml}.
 *
 * @param lateness          how far the rule clock stays behind hub time, so late readings still count in windows
 * @param retention         the longest window a rule may use: a cap on how long a reading stays in rule memory
 * @param tick              how often the rule clock moves when no reading arrives (silences are judged on it)
 * @param rebuildWindow     at start, readings stored this far back are fed to the rules to rebuild their windows
 * @param rebuildMaxReadings at most this many of them (the newest)
 * @param watch             reload the rules when a file in {@code rules/} changes
 * @param maxLiveReadings   the most readings rule memory holds; 0 = sized from the heap (about 2 KB a reading,
 *                          a quarter of the maximum heap)
 * @param maxFirings        the most rule firings one reading may set off; past it the rules stop for that reading
 *                          and a rule error says so (a rule that re-triggers itself)
 * @param maxEvaluationTime how long the rules may run on one reading; past it the reading goes on without them, and
 *                          a rule whose consequence does not return is quarantined until the next deploy or reload
 * @param cache             keep the rules compiled at start in the data folder, for the next start ({@link RuleSetCache})
 */
@Validated
@ConfigurationProperties("hub.rules")
public record RuleSettings(
        @NotNull Duration lateness,
        @NotNull Duration retention,
        @NotNull Duration tick,
        @NotNull Duration rebuildWindow,
        @Min(0) int rebuildMaxReadings,
        boolean watch,
        @Min(0) int maxLiveReadings,
        @Min(1) int maxFirings,
        @NotNull Duration maxEvaluationTime,
        boolean cache) {

    /**
     * The cap on rule memory in readings: the configured one, or a quarter of the maximum heap at 2 KB a reading (about
     * 1.2 KB of Drools state with the shipped rules, and the message the reading holds). Not more: readings live
     * long enough to reach the old generation and leave it soon after, and at 40 % of a 1 GiB heap a saturated hub
     * ran a full collection every five seconds.
     */
    public int liveReadingsCap() {
        return maxLiveReadings > 0
                ? maxLiveReadings
                : (int) Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 4 / 2048);
    }
}
