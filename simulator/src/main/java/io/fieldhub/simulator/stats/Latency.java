package io.fieldhub.simulator.stats;

import org.HdrHistogram.Histogram;

/** Acknowledgement latency percentiles, in milliseconds. */
public record Latency(double p50, double p95, double p99, double max) {

    /** From a histogram of microseconds; all zero when nothing was acknowledged. */
    public static Latency of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new Latency(0, 0, 0, 0);
        }
        return new Latency(
                millis(micros.getValueAtPercentile(50)),
                millis(micros.getValueAtPercentile(95)),
                millis(micros.getValueAtPercentile(99)),
                millis(micros.getMaxValue()));
    }

    private static double millis(long micros) {
        return micros / 1000d;
    }
}
