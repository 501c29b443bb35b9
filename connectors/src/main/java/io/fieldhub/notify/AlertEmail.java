package io.fieldhub.notify;

import java.util.Map;

/**
 * Writes the alert email: a subject a person can triage from the inbox, and a body with the device, metric,
 * value, threshold, time and a link to the alert. Reads an {@code alert} row as the SQL consumer delivers it.
 */
public class AlertEmail {

    private final String alertsUrl;

    /** @param publicUrl the hub's address as recipients reach it, e.g. {@code http://hub.example.com:8080} */
    public AlertEmail(String publicUrl) {
        this.alertsUrl = publicUrl.replaceAll("/+$", "") + "/api/alerts/";
    }

    public String subject(Map<String, Object> alert) {
        return "[FieldHub %s] %s: %s".formatted(alert.get("severity"), alert.get("device_id"), alert.get("text"));
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

                Alert:     %s%s
                """.formatted(alert.get("text"), alert.get("device_id"), alert.get("rule_id"),
                alert.get("severity"), orDash(alert.get("metric")), orDash(alert.get("value")),
                orDash(alert.get("threshold")), instant(alert.get("ts")), alert.get("message_id"), alertsUrl, alert.get("id"));
    }

    private static Object orDash(Object value) {
        return value == null ? "-" : value;
    }

    private static Object instant(Object value) {
        return value instanceof java.sql.Timestamp t ? t.toInstant() : value;
    }
}
