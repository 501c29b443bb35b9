package io.fieldhub.codec;

import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The layout of a binary frame: fields one after another, no padding. Declared in configuration
 * ({@code hub.codecs.frames.<name>}), so a new device type needs no code.
 *
 * @param name        the layout name, e.g. {@code engine-v1}
 * @param contentType the MQTT 5 content type / HTTP Content-Type that selects it
 * @param byteOrder   {@code big-endian} (network order, the default) or {@code little-endian}
 * @param tags        tags every record of this layout carries, e.g. {@code type: engine}
 * @param fields      the fields in frame order
 */
public record FrameLayout(
        String name, String contentType, String byteOrder, Map<String, String> tags, List<Field> fields) {

    /** Field types and their sizes in bytes. {@code epoch-millis}/{@code epoch-seconds} set the device time. */
    public enum Type {
        INT8(1),
        UINT8(1),
        INT16(2),
        UINT16(2),
        INT32(4),
        UINT32(4),
        INT64(8),
        FLOAT32(4),
        FLOAT64(8),
        EPOCH_SECONDS(4),
        EPOCH_MILLIS(8);

        final int size;

        Type(int size) {
            this.size = size;
        }

        static Type of(String name) {
            return valueOf(name.trim().toUpperCase().replace('-', '_'));
        }
    }

    /**
     * One field.
     *
     * @param name  metric name (ignored for timestamps)
     * @param type  one of {@link Type}, written lower-case with dashes: {@code uint16}, {@code epoch-millis}
     * @param scale multiplier applied to the raw integer, e.g. 0.1 for tenths of a degree; {@code null} = 1
     */
    public record Field(String name, String type, Double scale) {
        Type kind() {
            return Type.of(type);
        }

        double factor() {
            return scale == null ? 1.0 : scale;
        }
    }

    public FrameLayout {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        fields = List.copyOf(fields);
        for (Field f : fields) {
            try {
                f.kind();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("frame layout '" + name + "': field '" + f.name()
                        + "' has unknown type '" + f.type() + "'; use one of int8, uint8, int16, uint16, int32,"
                        + " uint32, int64, float32, float64, epoch-seconds, epoch-millis");
            }
        }
    }

    /** The exact frame length in bytes. */
    public int size() {
        return fields.stream().mapToInt(f -> f.kind().size).sum();
    }

    ByteOrder order() {
        return "little-endian".equalsIgnoreCase(byteOrder) ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    }

    /** The layout as a person would read it, for error messages: {@code ts:epoch-millis, temperature:int16}. */
    public String describe() {
        return fields.stream().map(f -> f.name() + ":" + f.type()).collect(Collectors.joining(", "));
    }
}
