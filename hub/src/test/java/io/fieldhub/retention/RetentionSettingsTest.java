package io.fieldhub.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import io.fieldhub.routes.SettableClock;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Periods as operators write them, and the settings the hub refuses. */
class RetentionSettingsTest {

    static final Instant NOW = Instant.parse("2026-12-07T15:00:00Z");
    final RetentionCutoff cutoff = new RetentionCutoff(new SettableClock(NOW));

    @Test
    void aPeriodIsCountedBackFromNow() {
        assertThat(cutoff.before("30d").toInstant()).isEqualTo(Instant.parse("2026-11-07T15:00:00Z"));
        assertThat(cutoff.before("12h").toInstant()).isEqualTo(Instant.parse("2026-12-07T03:00:00Z"));
    }

    @Test
    void zeroOrNothingKeepsRowsForever() {
        assertThat(cutoff.before("0")).isNull();
        assertThat(cutoff.before("")).isNull();
        assertThat(cutoff.before("0d")).isNull();
    }

    @Test
    void aDedupeWindowShorterThanAReadingMayBeLateIsRefused() {
        Duration maxAge = Duration.ofDays(7);
        Duration skew = Duration.ofMinutes(5);

        assertThatIllegalStateException()
                .isThrownBy(
                        () -> RetentionBeans.requireDedupeWindowCoversLateReadings(Duration.ofDays(7), maxAge, skew))
                .withMessageContaining("hub.retention.dedupe-window")
                .withMessageContaining("PT168H5M");
        assertThatNoException()
                .isThrownBy(
                        () -> RetentionBeans.requireDedupeWindowCoversLateReadings(Duration.ofDays(8), maxAge, skew));
        assertThatNoException()
                .as("0 keeps the keys forever")
                .isThrownBy(() -> RetentionBeans.requireDedupeWindowCoversLateReadings(Duration.ZERO, maxAge, skew));
    }

    @Test
    void telemetryAndArchiveAreKeptInWholeDays() {
        try (var factory = Validation.buildDefaultValidatorFactory()) {
            var validator = factory.getValidator();

            assertThat(validator.validate(settings(Duration.ofHours(12), Duration.ofDays(400))))
                    .extracting(ConstraintViolation::getMessage)
                    .singleElement()
                    .asString()
                    .startsWith("hub.retention.telemetry must be 0 (forever) or whole days");
            assertThat(validator.validate(settings(Duration.ofDays(30), Duration.ofHours(36))))
                    .extracting(ConstraintViolation::getMessage)
                    .singleElement()
                    .asString()
                    .startsWith("hub.retention.archive must be 0 (forever) or whole days");
            assertThat(validator.validate(settings(Duration.ofDays(30), Duration.ZERO)))
                    .isEmpty();
        }
    }

    private static RetentionSettings settings(Duration telemetry, Duration archive) {
        Duration month = Duration.ofDays(30);
        return new RetentionSettings(
                Duration.ofHours(1), 1000, telemetry, 3, Duration.ofDays(8), month, month, month, month, archive);
    }
}
