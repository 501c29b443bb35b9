package io.fieldhub.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.telemetry.RawTelemetry;
import java.time.Instant;
import org.junit.jupiter.api.Timeout;

/**
 * Any bytes a device sends as JSON become a record or a declared rejection, within the budget. Inputs (and every
 * crash ever found) are in {@code src/test/resources/io/fieldhub/codec/JsonCodecFuzzTestInputs/decode}.
 */
class JsonCodecFuzzTest {

    static final Instant NOW = Instant.parse("2026-11-26T10:00:00.140Z");

    final JsonCodec codec = new JsonCodec(new ObjectMapper());

    /**
     * The timeout only ends a hang (libFuzzer's limit per input is in whole seconds; the budget is checked apart). In
     * a thread of its own, so that it ends a loop that never looks at its interrupt too.
     */
    @FuzzTest
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void decode(byte[] payload) {
        // messageIdAssigned: a messageId in the payload is read, the path with the most to check.
        RawTelemetry raw = new RawTelemetry("engine-42", payload, "application/json", "assigned-1", true, "t-1", NOW);
        DecodeProperty.decode(codec, raw);
    }
}
