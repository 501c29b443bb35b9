package io.fieldhub.retention;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How long the hub keeps what it stores, under {@code hub.retention.*}; defaults and comments live in
 * {@code config/application.yaml}, the guarantees in docs/retention.md. A period of 0 (or none) keeps rows forever.
 *
 * @param interval             how often the retention routes run (the first run comes soon after start)
 * @param batchSize            rows one trim statement deletes at most; a run repeats it until fewer are left
 * @param telemetry            readings are kept at least this long, in whole days; a day's partition goes only once
 *                             the archive holds every row of it
 * @param partitionsAhead      day partitions made ahead of today
 * @param dedupeWindow         a resend of a stored (device id, message id) is recognised for at least this long
 * @param deadLetters          dead letters are kept this long
 * @param notificationAttempts notification attempts (the delivery history) are kept this long
 * @param closedAlerts         a cleared alert is kept this long after it cleared, with its transitions and
 *                             notifications
 * @param ruleErrors           rule errors are kept this long
 * @param archive              archive objects are kept this long, by the date in their key (device time)
 */
@Validated
@ConfigurationProperties("hub.retention")
public record RetentionSettings(
        @NotNull Duration interval,
        @Min(1) int batchSize,
        Duration telemetry,
        @Min(1) int partitionsAhead,
        Duration dedupeWindow,
        Duration deadLetters,
        Duration notificationAttempts,
        Duration closedAlerts,
        Duration ruleErrors,
        Duration archive) {

    /** Whether a period keeps rows forever: 0, or not set. */
    public static boolean forever(Duration keep) {
        return keep == null || keep.isZero();
    }

    @AssertTrue(
            message = "hub.retention.telemetry must be 0 (forever) or whole days, at least 1d: telemetry goes by"
                    + " day partitions")
    boolean isTelemetryInDays() {
        return forever(telemetry) || wholeDays(telemetry);
    }

    @AssertTrue(
            message = "hub.retention.archive must be 0 (forever) or whole days, at least 1d: archive objects go by"
                    + " the date in their key")
    boolean isArchiveInDays() {
        return forever(archive) || wholeDays(archive);
    }

    private static boolean wholeDays(Duration keep) {
        return keep.toDays() >= 1 && keep.equals(Duration.ofDays(keep.toDays()));
    }
}
