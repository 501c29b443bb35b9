package io.fieldhub.rules;

import io.fieldhub.telemetry.TelemetryRecord;
import java.util.Map;

/**
 * The event rules see for one telemetry message: its device, type, site, device time and metrics, plus the
 * device's previous values for rate-of-change rules. Rules match it as {@code Reading(type == "engine",
 * metric("temperature") > 90)}; windows count it at its device time ({@link #getTimestamp()}).
 */
public final class Reading {

    private final TelemetryRecord record;
    private final String type;
    private final String site;
    private final long timestamp;
    private final Map<String, Double> previous;
    private final long previousTimestamp;

    Reading(TelemetryRecord record, Map<String, Double> previous, long previousTimestamp) {
        this.record = record;
        this.type = typeOf(record.deviceId(), record.tags());
        this.site = record.tags().getOrDefault("site", "");
        this.timestamp = record.ts().toEpochMilli();
        this.previous = previous;
        this.previousTimestamp = previousTimestamp;
    }

    /** The {@code type} tag, or else the device id up to its first dash ({@code engine-7} is an engine). */
    static String typeOf(String deviceId, Map<String, String> tags) {
        String tag = tags.get("type");
        if (tag != null) {
            return tag;
        }
        int dash = deviceId.indexOf('-');
        return dash > 0 ? deviceId.substring(0, dash) : "";
    }

    public String getDeviceId() {
        return record.deviceId();
    }

    public String getType() {
        return type;
    }

    /** The {@code site} tag, or the empty string. */
    public String getSite() {
        return site;
    }

    /** Device time in epoch milliseconds: the event time windows use. */
    public long getTimestamp() {
        return timestamp;
    }

    public String getMessageId() {
        return record.messageId();
    }

    /** The value of a metric, or {@code null} when this reading does not carry it. */
    public Double metric(String name) {
        return record.metrics().get(name);
    }

    public boolean has(String name) {
        return record.metrics().containsKey(name);
    }

    /** A tag's value, or the empty string. */
    public String tag(String name) {
        return record.tags().getOrDefault(name, "");
    }

    /** The metric's value in the device's previous reading, or {@code null}. */
    public Double previous(String name) {
        return previous.get(name);
    }

    /**
     * Change of a metric per minute since the device's previous reading, or 0 when either reading lacks it or
     * they share a timestamp (so a threshold on the rate never fires on a first reading).
     */
    public double ratePerMinute(String name) {
        Double now = metric(name);
        Double before = previous(name);
        long millis = timestamp - previousTimestamp;
        if (now == null || before == null || millis <= 0) {
            return 0.0;
        }
        return (now - before) * 60_000.0 / millis;
    }

    public TelemetryRecord getRecord() {
        return record;
    }

    @Override
    public String toString() {
        return "Reading[" + record.deviceId() + " " + record.ts() + " " + record.metrics() + "]";
    }
}
