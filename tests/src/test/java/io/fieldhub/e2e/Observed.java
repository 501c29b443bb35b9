package io.fieldhub.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** What a user can see of the hub from outside: rows, alerts, archive objects, dead letters and emails. */
final class Observed {

    private final RunningHub hub;

    Observed(RunningHub hub) {
        this.hub = hub;
    }

    List<Map<String, Object>> rows(String deviceId) {
        return hub.jdbc().queryForList("select * from telemetry where device_id = ? order by id", deviceId);
    }

    List<Map<String, Object>> alerts(String deviceId) {
        return hub.jdbc().queryForList("select * from alert where device_id = ? order by id", deviceId);
    }

    /** The history of a device's alerts, oldest first: transition, actor, routed_at. */
    List<Map<String, Object>> alertTransitions(String deviceId) {
        return hub.jdbc().queryForList("""
                select t.* from alert_transition t join alert a on a.id = t.alert_id
                where a.device_id = ? order by t.id""", deviceId);
    }

    /** The notifications of a device's alerts on one channel, oldest first: recipient, address, state, attempts. */
    List<Map<String, Object>> notifications(String deviceId, String channel) {
        return hub.jdbc().queryForList("""
                select n.* from notification n join alert a on a.id = n.alert_id
                where a.device_id = ? and n.channel = ? order by n.id""", deviceId, channel);
    }

    List<Map<String, Object>> deadLetters(String deviceId) {
        return hub.jdbc().queryForList("select * from dead_letter where device_id = ? order by id", deviceId);
    }

    Archive archive() {
        return new Archive(hub.s3(), RunningHub.BUCKET);
    }

    List<String> archiveKeys() {
        return archive().keys();
    }

    /** Every archived record of one device. */
    List<JsonNode> archived(String deviceId) {
        return archive().records(r -> deviceId.equals(r.path("deviceId").asText()));
    }

    /** Emails whose subject names the device. */
    List<MimeMessage> emails(String deviceId) {
        return Arrays.stream(hub.mail.getReceivedMessages())
                .filter(m -> subject(m).contains(deviceId))
                .toList();
    }

    /** The Message-ID header, by which an SMTP server tells one email from a second copy of it. */
    static String messageId(MimeMessage message) {
        try {
            return message.getMessageID();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The email's plain-text part. */
    static String text(MimeMessage message) {
        try {
            var parts = (jakarta.mail.Multipart) message.getContent();
            for (int i = 0; i < parts.getCount(); i++) {
                if (parts.getBodyPart(i).isMimeType("text/plain")) {
                    return (String) parts.getBodyPart(i).getContent();
                }
            }
            throw new IllegalStateException("no text/plain part in " + message.getContentType());
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> recipients(MimeMessage message) {
        try {
            return Arrays.stream(message.getAllRecipients())
                    .map(Address::toString)
                    .toList();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
