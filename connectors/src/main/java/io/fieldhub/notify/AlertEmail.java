package io.fieldhub.notify;

import java.util.Map;

/**
 * Writes the email for a raised alert: a subject a person can triage from the inbox, and a body with the device,
 * metric, value, threshold, time, how often it has triggered so far, and a link to the alert. Reads the row the
 * email route's SQL consumer delivers: the RAISED transition ({@code severity}, {@code detail}: the text it was
 * raised with) joined with its alert ({@code id}, {@code rule_id}, {@code device_id}, {@code metric},
 * {@code threshold}, {@code value} and {@code ts} of the first trigger, {@code message_id}, {@code count},
 * {@code last_value}, {@code last_ts}, {@code text}).
 */
public class AlertEmail {

    private final String alertsUrl;

    /** @param publicUrl the hub's address as recipients reach it, e.g. {@code http://hub.example.com:8080} */
    public AlertEmail(String publicUrl) {
        this.alertsUrl = publicUrl.replaceAll("/+$", "") + "/api/alerts/";
    }

    public String subject(Map<String, Object> alert) {
        return "[FieldHub %s] %s: %s".formatted(alert.get("severity"), alert.get("device_id"), text(alert));
    }

    public String body(Map<String, Object> alert) {
        return """
                %s

                Device:    %s
                Rule:      %s
                Severity:  %s
                Metric:    %s
                Value:     %s
                Threshold: %s
                Time:      %s (device time)
                Message:   %s
                Count:     %s so far, the latest %s at %s

                Alert:     %s%s
                """.formatted(text(alert), alert.get("device_id"), alert.get("rule_id"),
                alert.get("severity"), orDash(alert.get("metric")), orDash(alert.get("value")),
                orDash(alert.get("threshold")), instant(alert.get("ts")), orDash(alert.get("message_id")),
                alert.get("count"), orDash(alert.get("last_value")), instant(alert.get("last_ts")), alertsUrl,
                alert.get("id"));
    }

    /** The text the alert was raised with; the alert's latest text when the transition has none. */
    private static Object text(Map<String, Object> alert) {
        Object detail = alert.get("detail");
        return detail != null ? detail : alert.get("text");
    }

    private static Object orDash(Object value) {
        return value == null ? "-" : value;
    }

    private static Object instant(Object value) {
        return value instanceof java.sql.Timestamp t ? t.toInstant() : value;
    }
}
