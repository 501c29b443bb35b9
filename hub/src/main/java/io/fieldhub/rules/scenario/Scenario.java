package io.fieldhub.rules.scenario;

import io.fieldhub.telemetry.TelemetryRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One scenario of a scenario file: readings at hub times relative to {@code start}, and the alerts expected.
 *
 * @param line the line the scenario starts on
 */
record Scenario(String name, Instant start, List<Step> steps, List<Expectation> expectations, int line) {

    /**
     * One step: hub time moves to {@code start + at}; when {@code device} is set, a reading arrives then.
     *
     * @param deviceTime device time relative to hub time ({@code -2m}: taken 2 minutes before it arrived)
     */
    record Step(
            Duration at,
            String device,
            Map<String, Double> metrics,
            Map<String, String> tags,
            Duration deviceTime,
            String messageId,
            int line) {

        boolean isReading() {
            return device != null;
        }

        TelemetryRecord record(Instant hubTime) {
            return new TelemetryRecord(
                    messageId,
                    device,
                    hubTime.plus(deviceTime),
                    hubTime,
                    metrics,
                    tags,
                    "00000000000000000000000000000000");
        }
    }

    /**
     * An alert the scenario expects: rule and device always; severity, times fired and text only when given.
     *
     * @param count        how many times the rule fires for the device, or {@code null} for at least once
     * @param textContains a piece of the alert text, or {@code null}
     */
    record Expectation(String rule, String device, String severity, Integer count, String textContains, int line) {

        String key() {
            return key(rule, device);
        }

        static String key(String rule, String device) {
            return "'" + rule + "' on " + device;
        }
    }
}
