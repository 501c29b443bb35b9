package io.fieldhub.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fieldhub.telemetry.RawTelemetry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;

/**
 * Any bytes a device sends as a binary frame become a record or a declared rejection, within the budget, whatever
 * the layout. Inputs (and every crash ever found) are in
 * {@code src/test/resources/io/fieldhub/codec/FrameCodecFuzzTestInputs/decode}.
 */
class FrameCodecFuzzTest {

    static final Instant NOW = Instant.parse("2026-11-26T10:00:00.140Z");

    /** As config/application.yaml ships it: 14 bytes. */
    static final FrameLayout ENGINE_V1 = new FrameLayout(
            "engine-v1",
            "application/vnd.fieldhub.engine-v1",
            "big-endian",
            Map.of("type", "engine"),
            List.of(
                    new FrameLayout.Field("ts", "epoch-millis", null),
                    new FrameLayout.Field("temperature", "int16", 0.1),
                    new FrameLayout.Field("rpm", "uint16", null),
                    new FrameLayout.Field("oilPressure", "uint16", 0.01)));

    /** Every field type, little-endian, every metric scaled: 38 bytes. */
    static final FrameLayout EVERY_TYPE = new FrameLayout(
            "every-type",
            "application/x-every-type",
            "little-endian",
            null,
            List.of(
                    new FrameLayout.Field("i8", "int8", 0.5),
                    new FrameLayout.Field("u8", "uint8", 0.5),
                    new FrameLayout.Field("i16", "int16", 0.1),
                    new FrameLayout.Field("u16", "uint16", 0.01),
                    new FrameLayout.Field("i32", "int32", 0.001),
                    new FrameLayout.Field("u32", "uint32", 10.0),
                    new FrameLayout.Field("i64", "int64", 1e-6),
                    new FrameLayout.Field("f32", "float32", 0.1),
                    new FrameLayout.Field("f64", "float64", 2.5),
                    new FrameLayout.Field("s", "epoch-seconds", null)));

    /** Floats unscaled and the device time in millis, big-endian: 20 bytes. */
    static final FrameLayout FLOATS = new FrameLayout(
            "floats",
            "application/x-floats",
            null,
            Map.of("type", "floats"),
            List.of(
                    new FrameLayout.Field("f32", "float32", null),
                    new FrameLayout.Field("ts", "epoch-millis", null),
                    new FrameLayout.Field("f64", "float64", null)));

    /**
     * The timeout only ends a hang (libFuzzer's limit per input is in whole seconds; the budget is checked apart). In
     * a thread of its own, so that it ends a loop that never looks at its interrupt too.
     */
    @FuzzTest
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void decode(byte[] frame) {
        for (FrameLayout layout : List.of(ENGINE_V1, EVERY_TYPE, FLOATS)) {
            RawTelemetry raw = new RawTelemetry("engine-42", frame, layout.contentType(), "m-1", false, "t-1", NOW);
            DecodeProperty.decode(new FrameCodec(layout), raw).ifPresent(r -> {
                assertThat(frame).hasSize(layout.size());
                assertThat(r.metrics().keySet())
                        .containsExactlyInAnyOrderElementsOf(layout.fields().stream()
                                .filter(f -> !f.type().startsWith("epoch-"))
                                .map(FrameLayout.Field::name)
                                .toList());
                assertThat(r.tags()).isEqualTo(layout.tags());
            });
        }
    }
}
