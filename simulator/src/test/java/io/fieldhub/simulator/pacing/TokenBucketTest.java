package io.fieldhub.simulator.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final FakeClock clock = new FakeClock();

    @Test
    void evenTicksOverTwoSecondsAt200PerSecondGive400() {
        TokenBucket bucket = new TokenBucket(200, clock.nanoTime());
        long taken = bucket.take(clock.nanoTime());
        for (int tick = 1; tick < 400; tick++) {
            taken += bucket.take(clock.advance(Duration.ofMillis(5)));
        }
        assertThat(taken).isEqualTo(400);
    }

    @Test
    void unevenTicksNeitherDriftNorLoseTokens() {
        TokenBucket bucket = new TokenBucket(200, clock.nanoTime());
        Random jitter = new Random(1);
        long start = clock.nanoTime();
        long taken = 0;
        while (clock.nanoTime() - start < 2_000_000_000L) {
            taken += bucket.take(clock.advance(Duration.ofNanos(1_000L * (1 + jitter.nextInt(30_000)))));
        }
        long due = (clock.nanoTime() - start) * 200 / 1_000_000_000L + 1;
        assertThat(taken).isEqualTo(due);
    }

    @Test
    void theFirstMessageIsDueAtOnce() {
        TokenBucket bucket = new TokenBucket(0.5, clock.nanoTime());

        assertThat(bucket.take(clock.nanoTime())).isEqualTo(1);
        assertThat(bucket.take(clock.advance(Duration.ofMillis(1999)))).isZero();
        assertThat(bucket.take(clock.advance(Duration.ofMillis(1)))).isEqualTo(1);
    }

    @Test
    void aLateTickCatchesUp() {
        TokenBucket bucket = new TokenBucket(200, clock.nanoTime());
        bucket.take(clock.nanoTime());

        assertThat(bucket.take(clock.advance(Duration.ofMillis(500)))).isEqualTo(100);
    }

    @Test
    void aLongStallCatchesUpAtMostOneSecond() {
        TokenBucket bucket = new TokenBucket(200, clock.nanoTime());
        bucket.take(clock.nanoTime());

        assertThat(bucket.take(clock.advance(Duration.ofSeconds(5)))).isEqualTo(200);
        assertThat(bucket.take(clock.advance(Duration.ofMillis(100)))).isEqualTo(20);
    }

    @Test
    void refundedTokensAreTakenAgainLater() {
        TokenBucket bucket = new TokenBucket(200, clock.nanoTime());
        bucket.take(clock.nanoTime());
        assertThat(bucket.take(clock.advance(Duration.ofMillis(100)))).isEqualTo(20);

        bucket.refund(15);

        assertThat(bucket.take(clock.nanoTime())).isEqualTo(15);
    }

    @Test
    void aFractionalRateKeepsItsAverage() {
        TokenBucket bucket = new TokenBucket(1.25, clock.nanoTime());
        long taken = bucket.take(clock.nanoTime());
        for (int tick = 1; tick < 800; tick++) {
            taken += bucket.take(clock.advance(Duration.ofMillis(10)));
        }
        assertThat(taken).isEqualTo(10);
    }
}
