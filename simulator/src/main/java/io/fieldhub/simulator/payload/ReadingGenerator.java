package io.fieldhub.simulator.payload;

import java.util.SplittableRandom;

/**
 * Plausible engine readings: temperature 60-85 degrees, except a given share above 90 that trips the hub's
 * overheat rule. Not thread-safe: each connection owns one.
 */
public final class ReadingGenerator {

    private final SplittableRandom random;
    private final double hotShare;

    public ReadingGenerator(long seed, double hotShare) {
        if (hotShare < 0 || hotShare > 1) {
            throw new IllegalArgumentException("hot share must be between 0 and 1, was " + hotShare);
        }
        this.random = new SplittableRandom(seed);
        this.hotShare = hotShare;
    }

    public Reading next(long ts) {
        boolean hot = random.nextDouble() < hotShare;
        // 90.5-99.9 stays above the rule's 90.0 after any rounding; 60.0-85.0 stays clear of it.
        int temperature = hot ? random.nextInt(905, 1000) : random.nextInt(600, 851);
        int rpm = random.nextInt(800, 3001);
        int oilPressure = random.nextInt(200, 601);
        return new Reading(ts, temperature, rpm, oilPressure);
    }
}
