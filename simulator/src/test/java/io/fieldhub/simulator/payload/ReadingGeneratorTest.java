package io.fieldhub.simulator.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReadingGeneratorTest {

    private static List<Reading> readings(long seed, double hotShare, int n) {
        ReadingGenerator generator = new ReadingGenerator(seed, hotShare);
        return IntStream.range(0, n).mapToObj(i -> generator.next(i)).toList();
    }

    @Test
    void aboutTheHotShareOfReadingsAreAbove90Degrees() {
        List<Reading> readings = readings(42, 0.01, 20_000);

        long hot = readings.stream().filter(Reading::hot).count();

        assertThat(hot).isBetween(160L, 240L);
        assertThat(readings)
                .filteredOn(Reading::hot)
                .allSatisfy(r -> assertThat(r.temperatureTenths()).isBetween(905, 999));
        assertThat(readings)
                .filteredOn(r -> !r.hot())
                .allSatisfy(r -> assertThat(r.temperatureTenths()).isBetween(600, 850));
    }

    @Test
    void aLargeShareIsHonouredToo() {
        long hot = readings(7, 0.3, 10_000).stream().filter(Reading::hot).count();

        assertThat(hot).isBetween(2800L, 3200L);
    }

    @Test
    void noneOrAllAreHotAtTheExtremes() {
        assertThat(readings(1, 0, 1000)).noneMatch(Reading::hot);
        assertThat(readings(1, 1, 1000)).allMatch(Reading::hot);
    }

    @Test
    void otherMetricsStayPlausible() {
        assertThat(readings(3, 0.01, 5000)).allSatisfy(r -> {
            assertThat(r.rpm()).isBetween(800, 3000);
            assertThat(r.oilPressureHundredths()).isBetween(200, 600);
        });
    }

    @Test
    void theSameSeedGivesTheSameReadings() {
        assertThat(readings(99, 0.01, 100)).isEqualTo(readings(99, 0.01, 100));
    }
}
