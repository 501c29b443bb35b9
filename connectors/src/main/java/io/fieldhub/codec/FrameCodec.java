package io.fieldhub.codec;

import io.fieldhub.telemetry.InvalidTelemetryException;
import io.fieldhub.telemetry.RawTelemetry;
import io.fieldhub.telemetry.TelemetryCodec;
import io.fieldhub.telemetry.TelemetryRecord;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Decodes a compact binary frame of typed fields into the canonical record ("protocol transformation"). */
public class FrameCodec implements TelemetryCodec {

    private final FrameLayout layout;

    public FrameCodec(FrameLayout layout) {
        this.layout = layout;
    }

    @Override
    public boolean supports(String contentType) {
        return layout.contentType().equalsIgnoreCase(contentType);
    }

    @Override
    public TelemetryRecord decode(RawTelemetry raw) {
        byte[] frame = raw.payload();
        if (frame.length != layout.size()) {
            throw new InvalidTelemetryException("frame of " + frame.length + " bytes does not match layout '"
                    + layout.name() + "' (" + layout.size() + " bytes: " + layout.describe()
                    + "); check the device firmware against the layout in hub.codecs.frames." + layout.name());
        }
        ByteBuffer in = ByteBuffer.wrap(frame).order(layout.order());
        Map<String, Double> metrics = new LinkedHashMap<>();
        Instant ts = raw.receivedAt();
        for (FrameLayout.Field field : layout.fields()) {
            switch (field.kind()) {
                case EPOCH_SECONDS -> ts = Instant.ofEpochSecond(Integer.toUnsignedLong(in.getInt()));
                case EPOCH_MILLIS -> ts = Instant.ofEpochMilli(in.getLong());
                default -> metrics.put(field.name(), scaled(read(in, field.kind()), field.factor()));
            }
        }
        return new TelemetryRecord(
                raw.messageId(), raw.deviceId(), ts, raw.receivedAt(), metrics, layout.tags(), raw.traceId());
    }

    /**
     * 961 × 0.1 is 96.1, not 96.10000000000001: decimal scaling, as the person who wrote the layout meant. A float
     * that is NaN or infinite has no decimal form: it stays non-finite, and the validator rejects it.
     */
    private static double scaled(double raw, double factor) {
        return factor == 1.0 || !Double.isFinite(raw)
                ? raw * factor
                : BigDecimal.valueOf(raw).multiply(BigDecimal.valueOf(factor)).doubleValue();
    }

    private static double read(ByteBuffer in, FrameLayout.Type type) {
        return switch (type) {
            case INT8 -> in.get();
            case UINT8 -> Byte.toUnsignedInt(in.get());
            case INT16 -> in.getShort();
            case UINT16 -> Short.toUnsignedInt(in.getShort());
            case INT32 -> in.getInt();
            case UINT32 -> Integer.toUnsignedLong(in.getInt());
            case INT64 -> in.getLong();
            case FLOAT32 -> in.getFloat();
            case FLOAT64 -> in.getDouble();
            default -> throw new IllegalStateException("not a metric type: " + type);
        };
    }
}
