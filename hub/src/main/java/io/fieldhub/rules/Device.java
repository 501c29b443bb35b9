package io.fieldhub.rules;

/**
 * A device the rules have seen: one fact per device, inserted with its first reading. Window rules join it
 * ({@code $d : Device( type == "engine" ) accumulate( Reading( deviceId == $d.id ) over window:time(5m); ...)}),
 * and absence rules match its silence: {@code Device( minutesSilent == 10 )} fires once, when the device has sent
 * nothing for 10 minutes by the rule clock.
 *
 * <p>Only {@link #getMinutesSilent()} ever changes: the engine judges it again at each whole minute of silence and
 * when the device reports after one, and tells Drools about that property alone, so rules on the other properties
 * never run again because of it.
 */
public final class Device {

    /** The property name, for Drools' property-reactive update. */
    static final String MINUTES_SILENT = "minutesSilent";

    private final String id;
    private final String type;
    private final String site;
    private int minutesSilent;

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

    /**
     * Whole minutes since the device's newest reading (by device time) as of the rule clock, as last judged: 0 while
     * it reports at least once a minute. A device first heard through a reading already old counts from that reading,
     * so an hour-late first reading starts at 59 and never passes through 10.
     */
    public int getMinutesSilent() {
        return minutesSilent;
    }

    void setMinutesSilent(int minutes) {
        this.minutesSilent = minutes;
    }

    @Override
    public String toString() {
        return "Device[" + id + "]";
    }
}
