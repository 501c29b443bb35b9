package io.fieldhub.rules;

/**
 * A device the rules have seen: one fact per device, inserted with its first reading and never changed, so window
 * rules join it cheaply ({@code $d : Device() not Reading(deviceId == $d.id) over window:time(10m)}).
 */
public final class Device {

    private final String id;
    private final String type;
    private final String site;

    Device(String id, String type, String site) {
        this.id = id;
        this.type = type;
        this.site = site;
    }

    public String getId() {
        return id;
    }

    public String getType() {
        return type;
    }

    public String getSite() {
        return site;
    }

    @Override
    public String toString() {
        return "Device[" + id + "]";
    }
}
