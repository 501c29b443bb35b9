package io.fieldhub.device;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A registered device: what it is ({@code type}), where ({@code site}), free {@code tags}, whether it may connect
 * ({@code enabled}), and the gateways that may publish its readings ({@code via}, docs/devices.md#gateways). Rules
 * see the type, site and tags of every reading the device sends.
 */
public record Device(
        String id,
        String type,
        String site,
        Map<String, String> tags,
        boolean enabled,
        String groupId,
        Instant createdAt,
        Instant updatedAt,
        String updatedBy,
        Instant lastSeen,
        List<String> via) {

    /** Device ids: what MQTT topics, URLs and S3 keys carry without escaping. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    public Device {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        via = via == null ? List.of() : List.copyOf(via);
    }

    /** Why {@code id} cannot name a device, or null when it can. */
    public static String invalidId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return "device id '" + id + "' is not valid: use 1-128 letters, digits, '.', '_', ':' or '-'";
        }
        return null;
    }

    /** The type a device gets from its id when nothing names one: {@code engine-7} is an engine. */
    public static String typeFromId(String id) {
        int dash = id.indexOf('-');
        return dash > 0 ? id.substring(0, dash) : "device";
    }
}
