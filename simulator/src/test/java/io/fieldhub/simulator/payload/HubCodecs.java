package io.fieldhub.simulator.payload;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.codec.Codecs;
import io.fieldhub.codec.FrameLayout;
import io.fieldhub.telemetry.RawTelemetry;
import io.fieldhub.telemetry.TelemetryRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The hub's own decoders, so that the tests check what the hub makes of a payload, not only its bytes. */
final class HubCodecs {

    /** As declared in config/application.yaml under hub.codecs.frames. */
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

    private static final Codecs CODECS = new Codecs(new ObjectMapper(), List.of(ENGINE_V1));

    private HubCodecs() {}

    static TelemetryRecord decode(PayloadEncoder encoder, byte[] payload) {
        return CODECS.decode(
                new RawTelemetry("engine-7", payload, encoder.contentType(), "m-1", false, "trace-1", Instant.now()));
    }
}
