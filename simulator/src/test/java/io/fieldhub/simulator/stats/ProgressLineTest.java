package io.fieldhub.simulator.stats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void showsCountsCurrentAndAverageRateAndWhatIsInFlight() {
        Counts before = new Counts(900, 880, 0, 9, 0, 0, 0);
        Counts now = new Counts(1000, 980, 2, 10, 0, 0, 0);

        String line = ProgressLine.format(before, now, 2.0, 20.0);

        assertThat(line)
                .contains("sent 1000", "acked 980", "rate 50/s (avg 49/s)", "errors 2", "in flight 18")
                .startsWith("    20s")
                .doesNotContain("reconnects");
    }

    @Test
    void aRunThatLostItsBrokerShowsReconnectsResendsAndWhatWasGivenUp() {
        Counts before = new Counts(900, 850, 0, 9, 0, 0, 0);
        Counts now = new Counts(1000, 900, 0, 10, 40, 2, 64);

        String line = ProgressLine.format(before, now, 1.0, 20.0);

        assertThat(line).contains("in flight 60", "reconnects 2  resends 64  given up 40");
    }
}
