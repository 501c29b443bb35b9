package io.fieldhub.device;

import java.util.List;
import java.util.Map;

/**
 * What a client says about a device when it creates, updates or imports one. Null fields take their defaults:
 * the type from the id ({@link Device#typeFromId}), no site, no tags, enabled, no gateway ({@code via}).
 */
public record DeviceSpec(
        String id, String type, String site, Map<String, String> tags, Boolean enabled, List<String> via) {

    /** A spec that names no gateway. */
    public DeviceSpec(String id, String type, String site, Map<String, String> tags, Boolean enabled) {
        this(id, type, site, tags, enabled, null);
    }

    /** Why this spec cannot be stored, or null when it can. */
    public String problem() {
        String bad = Device.invalidId(id);
        if (bad != null) {
            return bad;
        }
        if (type != null && !Device.ID.matcher(type).matches()) {
            return "type '" + type + "' is not valid: use 1-128 letters, digits, '.', '_', ':' or '-'";
        }
        if (tags != null) {
            for (var tag : tags.entrySet()) {
                if (tag.getKey() == null || tag.getKey().isBlank() || tag.getValue() == null) {
                    return "tag '" + tag.getKey() + "' needs a name and a value";
                }
            }
        }
        for (String gateway : viaOrEmpty()) {
            String badGateway = Device.invalidId(gateway);
            if (badGateway != null) {
                return "via: " + badGateway;
            }
            if (gateway.equals(id)) {
                return "via: device " + id + " cannot be its own gateway (it may always publish for itself)";
            }
        }
        return null;
    }

    public String typeOrDefault() {
        return type == null || type.isBlank() ? Device.typeFromId(id) : type;
    }

    public Map<String, String> tagsOrEmpty() {
        return tags == null ? Map.of() : tags;
    }

    public boolean enabledOrDefault() {
        return enabled == null || enabled;
    }

    /** The gateways that may publish this device's readings, each once, in the order given. */
    public List<String> viaOrEmpty() {
        return via == null ? List.of() : via.stream().distinct().toList();
    }

    /** This spec for another id (the URL's, on a PUT). */
    public DeviceSpec withId(String other) {
        return new DeviceSpec(other, type, site, tags, enabled, via);
    }
}
