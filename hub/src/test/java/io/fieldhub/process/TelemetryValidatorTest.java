package io.fieldhub.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fieldhub.telemetry.InvalidTelemetryException;
import io.fieldhub.telemetry.TelemetryRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a device may call its metrics: the answer it gets back names the metric and the rule. */
class TelemetryValidatorTest {

    private static final Instant NOW = Instant.parse("2026-11-27T05:00:00Z");
    private final TelemetryValidator validator =
            new TelemetryValidator(100, Duration.ofMinutes(5), Duration.ofDays(7), Clock.fixed(NOW, ZoneOffset.UTC));

    private static TelemetryRecord reading(String metric) {
        return new TelemetryRecord("m-1", "engine-1", NOW, NOW, Map.of(metric, 1.0), Map.of(), null);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "temperature",
                "oil.pressure",
                "rpm_avg-1m",
                "A9",
                "x234567890123456789012345678901234567890123456789012345678901234"
            })
    void acceptsLettersDigitsUnderscoreDotAndDashUpTo64(String name) {
        assertThat(validator.validate(reading(name)).metrics()).containsKey(name);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "oil pressure",
                "temp°",
                "températur",
                "a/b",
                "rpm{}",
                "x2345678901234567890123456789012345678901234567890123456789012345"
            })
    void rejectsAnyOtherNameSayingWhatIsAllowed(String name) {
        assertThatThrownBy(() -> validator.validate(reading(name)))
                .isInstanceOf(InvalidTelemetryException.class)
                .hasMessage("metric name '" + name + "' is not valid: use 1-64 letters, digits, '_', '.' or '-'");
    }
}
