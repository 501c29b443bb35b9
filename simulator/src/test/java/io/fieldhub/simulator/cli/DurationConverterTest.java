package io.fieldhub.simulator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void readsShortFormsAndIso() {
        assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(converter.convert("45")).isEqualTo(Duration.ofSeconds(45));
        assertThat(converter.convert("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void refusesWhatIsNoPositiveDuration() {
        assertThatThrownBy(() -> converter.convert("soon"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("30s, 5m or 1h");
        assertThatThrownBy(() -> converter.convert("0s")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void zeroMeansNeverWhereAllowed() {
        DurationConverter.ZeroAllowed orZero = new DurationConverter.ZeroAllowed();

        assertThat(orZero.convert("0")).isZero();
        assertThat(orZero.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> orZero.convert("-PT1S")).isInstanceOf(TypeConversionException.class);
    }
}
