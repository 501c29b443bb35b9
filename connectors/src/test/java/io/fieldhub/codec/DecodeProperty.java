package io.fieldhub.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fieldhub.telemetry.InvalidTelemetryException;
import io.fieldhub.telemetry.RawTelemetry;
import io.fieldhub.telemetry.TelemetryCodec;
import io.fieldhub.telemetry.TelemetryRecord;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Optional;

/**
 * What the codec fuzz tests demand of every input: a record that keeps the model's invariants, or an
 * {@link InvalidTelemetryException} with a reason (the codecs' declared error), within {@link #BUDGET} of CPU time. Anything else
 * that escapes (a NullPointerException, a NumberFormatException, a StackOverflowError) fails the input.
 */
final class DecodeProperty {

    static final Duration BUDGET = Duration.ofMillis(50);

    /**
     * While fuzzing, Jazzer's coverage instrumentation makes the parsers several times slower ('[' 2000 times in a
     * scenario file: 10 ms plain, 68 ms instrumented), so an input fails there only at ten times the budget; the
     * inputs kept in the resources are held to the budget itself.
     */
    static final Duration LIMIT = isFuzzing() ? BUDGET.multipliedBy(10) : BUDGET;

    /** Tries a slow input again this often, keeping its fastest run. */
    private static final int WARM_RUNS = 3;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private DecodeProperty() {}

    /** The record, or empty when the codec rejected the input as it declares it may. */
    static Optional<TelemetryRecord> decode(TelemetryCodec codec, RawTelemetry raw) {
        long spent = cpuNanos();
        Optional<TelemetryRecord> record = decodeOnce(codec, raw);
        spent = cpuNanos() - spent;
        // This thread's CPU time, not the wall clock, so that a busy machine, a GC or JIT compiler thread does not
        // count. Only the first inputs of a fresh JVM load classes and run interpreted: an input over budget is run
        // again and judged by its fastest run, so only an input that is slow every time fails.
        for (int run = 0; run < WARM_RUNS && spent > LIMIT.toNanos(); run++) {
            long start = cpuNanos();
            decodeOnce(codec, raw);
            spent = Math.min(spent, cpuNanos() - start);
        }
        assertThat(Duration.ofNanos(spent))
                .as("CPU time to decode %d bytes, fastest of %d runs", raw.payload().length, WARM_RUNS + 1)
                .isLessThanOrEqualTo(LIMIT);
        record.ifPresent(r -> keepsInvariants(r, raw));
        return record;
    }

    private static Optional<TelemetryRecord> decodeOnce(TelemetryCodec codec, RawTelemetry raw) {
        try {
            return Optional.of(codec.decode(raw));
        } catch (InvalidTelemetryException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                fail("rejected without a reason", e);
            }
            return Optional.empty();
        }
    }

    /** What the next stages rely on; finite values and names are the validator's, after decoding. */
    private static void keepsInvariants(TelemetryRecord r, RawTelemetry raw) {
        assertThat(r.messageId()).isNotBlank();
        assertThat(r.deviceId()).isEqualTo(raw.deviceId());
        assertThat(r.ts()).isNotNull();
        assertThat(r.receivedAt()).isEqualTo(raw.receivedAt());
        assertThat(r.traceId()).isEqualTo(raw.traceId());
        assertThat(r.metrics()).isNotEmpty();
    }

    /** As Jazzer decides it: JAZZER_FUZZ in the environment or as a system property. */
    private static boolean isFuzzing() {
        return System.getenv("JAZZER_FUZZ") != null || System.getProperty("JAZZER_FUZZ") != null;
    }

    private static long cpuNanos() {
        return THREADS.getCurrentThreadCpuTime();
    }
}
