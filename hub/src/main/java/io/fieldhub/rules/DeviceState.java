package io.fieldhub.rules;

import java.util.Map;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;

/** What a partition remembers of a device between readings: its fact, its previous reading's values, its silence. */
final class DeviceState {

    private static final long MINUTE = 60_000;

    Device device;
    FactHandle handle;
    Map<String, Double> lastMetrics = Map.of();
    long lastTimestamp;
    long newest = Long.MIN_VALUE;

    DeviceState(Device device) {
        this.device = device;
    }

    /** Whole minutes since the device's newest reading, as of {@code clockMillis}. */
    int minutesSilent(long clockMillis) {
        long silent = clockMillis - newest;
        return silent <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, silent / MINUTE);
    }

    /** Tells the rules the device's silence in whole minutes when it changed: at most once a minute. */
    void judgeSilence(KieSession session, long clockMillis) {
        int minutes = minutesSilent(clockMillis);
        if (minutes != device.getMinutesSilent()) {
            device.setMinutesSilent(minutes);
            session.update(handle, device, Device.MINUTES_SILENT);
        }
    }
}
