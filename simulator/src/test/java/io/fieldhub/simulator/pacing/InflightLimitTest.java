package io.fieldhub.simulator.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InflightLimitTest {

    @Test
    void refusesBeyondTheLimitAndCountsWhatIsInFlight() {
        InflightLimit limit = new InflightLimit(2);

        assertThat(limit.tryAcquire()).isTrue();
        assertThat(limit.tryAcquire()).isTrue();
        assertThat(limit.tryAcquire()).isFalse();
        assertThat(limit.inFlight()).isEqualTo(2);
    }

    @Test
    void isIdleOnlyOnceEverySlotIsBack() throws InterruptedException {
        InflightLimit limit = new InflightLimit(3);
        limit.tryAcquire();
        limit.tryAcquire();

        limit.release();
        assertThat(limit.awaitIdle(Duration.ofMillis(20))).isFalse();

        limit.release();
        assertThat(limit.awaitIdle(Duration.ZERO)).isTrue();
        assertThat(limit.inFlight()).isZero();
    }
}
