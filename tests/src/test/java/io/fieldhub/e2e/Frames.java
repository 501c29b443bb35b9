package io.fieldhub.e2e;

import java.nio.ByteBuffer;
import java.time.Instant;

/** Frames in the engine-v1 layout of config/application.yaml: ts epoch-millis, temperature int16 (0.1),
 * rpm uint16, oilPressure uint16 (0.01); big-endian, 14 bytes. */
final class Frames {

    static final String ENGINE_V1 = "application/vnd.fieldhub.engine-v1";

    private Frames() {}

    static byte[] engineV1(Instant ts, double temperature, int rpm, double oilPressure) {
        return ByteBuffer.allocate(14)
                .putLong(ts.toEpochMilli())
                .putShort((short) Math.round(temperature * 10))
                .putShort((short) rpm)
                .putShort((short) Math.round(oilPressure * 100))
                .array();
    }
}
