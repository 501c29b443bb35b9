package io.fieldhub.notify.email;

import io.fieldhub.notify.Notes;
import io.fieldhub.notify.Outgoing;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.Headers;

/**
 * Prepares the email for one notification: the mail headers (recipient, subject, threading) and the model the
 * templates in {@code config/templates} render (every value a ready string, so an operator's template needs no
 * formatting logic). The HTML template escapes what it inserts (FreeMarker's HTML output format), so an operator's
 * note shows as the text it is.
 *
 * <p>Threading: all emails about one alert form one thread. The RAISED email's Message-ID is
 * {@code <alert-{alertId}@{host}>}; every later one has its own ({@code <alert-{alertId}-transition-{id}@{host}>})
 * and refers to the first with In-Reply-To and References, under the same subject with "Re: " before it. The host
 * is the one in {@code hub.public-url}. A notification sent twice (after a crash, see the outbox) carries the same
 * Message-ID both times, so mail systems can drop the copy.
 */
public class AlertEmailComposer {

    private final String host;

    /** @param publicUrl the hub's address as people reach it; its host names the Message-IDs */
    public AlertEmailComposer(String publicUrl) {
        this.host = hostOf(publicUrl);
    }

    /** Sets the mail headers and returns the template model; {@code template} names the template pair to use. */
    public Map<String, Object> compose(Outgoing notification, @Headers Map<String, Object> headers) {
        headers.put("To", notification.address());
        if (notification.isDigest()) {
            headers.put("Subject", digestSubject(notification));
            headers.put("Message-ID", "<digest-" + notification.id() + "@" + host + ">");
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("template", "digest");
            model.put("recipient", notification.recipient());
            model.put("subject", headers.get("Subject"));
            model.put("count", String.valueOf(notification.digestOf().size()));
            model.put(
                    "alerts",
                    notification.digestOf().stream()
                            .map(AlertEmailComposer::alert)
                            .toList());
            return model;
        }
        String thread = threadId(notification.alertId());
        if ("RAISED".equals(notification.transition())) {
            headers.put("Subject", subject(notification));
            headers.put("Message-ID", thread);
        } else {
            headers.put("Subject", "Re: " + subject(notification));
            headers.put(
                    "Message-ID",
                    "<alert-" + notification.alertId() + "-transition-" + notification.transitionId() + "@" + host
                            + ">");
            headers.put("In-Reply-To", thread);
            headers.put("References", thread);
        }
        Map<String, Object> model = alert(notification);
        model.put("template", "alert");
        model.put("recipient", notification.recipient());
        model.put("subject", headers.get("Subject"));
        return model;
    }

    /** The Message-ID of an alert's first email, which every later one replies to. */
    private String threadId(long alertId) {
        return "<alert-" + alertId + "@" + host + ">";
    }

    /** The same for every email of the alert, so mail clients thread them: "[CRITICAL] Engine overheat on engine-42". */
    static String subject(Outgoing n) {
        return "[" + n.severity() + "] " + n.ruleId() + " on " + n.deviceId();
    }

    static String digestSubject(Outgoing n) {
        Map<String, Long> bySeverity = n.digestOf().stream()
                .collect(Collectors.groupingBy(Outgoing::severity, TreeMap::new, Collectors.counting()));
        String counts = bySeverity.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
        int total = n.digestOf().size();
        return "[FieldHub] " + total + (total == 1 ? " alert notification" : " alert notifications") + " held for you: "
                + counts;
    }

    private static Map<String, Object> alert(Outgoing n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("transition", n.transition());
        m.put("what", what(n));
        m.put("transitionAt", text(n.transitionAt(), Instant::toString));
        m.put("actor", text(n.actor(), Function.identity()));
        m.put("note", text(Notes.oneLine(n.detail()), Function.identity()));
        m.put("tier", String.valueOf(n.tier()));
        m.put("alertId", String.valueOf(n.alertId()));
        m.put("severity", n.severity());
        m.put("rule", n.ruleId());
        m.put("device", n.deviceId());
        m.put("state", n.state());
        m.put("metric", text(n.metric(), Function.identity()));
        m.put("value", number(n.value()));
        m.put("threshold", number(n.threshold()));
        m.put("time", text(n.ts(), Instant::toString));
        m.put("count", String.valueOf(n.count()));
        m.put("text", text(n.text(), Function.identity()));
        m.put("link", text(n.alertUrl(), Function.identity()));
        return m;
    }

    /** One line on what happened, for the top of the email. */
    private static String what(Outgoing n) {
        return switch (n.transition() == null ? "" : n.transition()) {
            case "RAISED" -> "Raised";
            case "ESCALATED" -> "Escalated to tier " + n.tier() + ": nobody has acknowledged it yet";
            case "ACKNOWLEDGED" -> "Acknowledged by " + n.actor();
            case "CLEARED" -> "Cleared: the condition has ended";
            default -> String.valueOf(n.transition());
        };
    }

    /** 95.5, 90 (not 90.0), 0.001: as a person writes it. */
    static String number(Double value) {
        return value == null
                ? "-"
                : BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static <T> String text(T value, Function<T, String> format) {
        return value == null ? "-" : format.apply(value);
    }

    private static String hostOf(String publicUrl) {
        try {
            String host = URI.create(publicUrl.strip()).getHost();
            return host == null || host.isBlank() ? "fieldhub" : host;
        } catch (IllegalArgumentException e) {
            return "fieldhub";
        }
    }
}
