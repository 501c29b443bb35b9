package io.fieldhub.simulator.payload;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The engine-v1 frame of {@code config/application.yaml}: 14 bytes, big-endian, fields back to back: ts int64
 * epoch millis, temperature int16 in tenths, rpm uint16, oilPressure uint16 in hundredths. The frame has no tags;
 * the hub adds the layout's {@code type: engine}.
 */
public final class FrameEncoder implements PayloadEncoder {

    public static final String CONTENT_TYPE = "application/vnd.fieldhub.engine-v1";
    public static final int LENGTH = 8 + 2 + 2 + 2;

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public byte[] encode(Reading reading, String site) {
        return ByteBuffer.allocate(LENGTH)
                .order(ByteOrder.BIG_ENDIAN)
                .putLong(reading.ts())
                .putShort((short) reading.temperatureTenths())
                .putShort((short) reading.rpm())
                .putShort((short) reading.oilPressureHundredths())
                .array();
    }
}
