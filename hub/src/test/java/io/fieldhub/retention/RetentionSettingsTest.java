package io.fieldhub.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

import io.fieldhub.routes.SettableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Periods as operators write them, and the dedupe window the hub refuses. */
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
}
