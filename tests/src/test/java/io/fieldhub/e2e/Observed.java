package io.fieldhub.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.model.S3Object;

/** What a user can see of the hub from outside: rows, alerts, archive objects, dead letters and emails. */
final class Observed {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    List<String> archiveKeys() {
        return hub.s3().listObjectsV2Paginator(b -> b.bucket(RunningHub.BUCKET).prefix("telemetry/")).contents()
                .stream().map(S3Object::key).toList();
    }

    /** Every archived record of one device: each object listed, downloaded and decompressed. */
    List<JsonNode> archived(String deviceId) {
        return archivedWhere(r -> deviceId.equals(r.path("deviceId").asText()));
    }

    /** How many archived records belong to devices whose id starts with the prefix. */
    long archivedCount(String deviceIdPrefix) {
        return archivedWhere(r -> r.path("deviceId").asText().startsWith(deviceIdPrefix)).size();
    }

    private List<JsonNode> archivedWhere(java.util.function.Predicate<JsonNode> wanted) {
        List<JsonNode> records = new ArrayList<>();
        for (String key : archiveKeys()) {
            try (var in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                    hub.s3().getObject(b -> b.bucket(RunningHub.BUCKET).key(key))), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    JsonNode record = JSON.readTree(line);
                    if (wanted.test(record)) {
                        records.add(record);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(key, e);
            }
        }
        return records;
    }

    /** Emails whose subject names the device. */
    List<MimeMessage> emails(String deviceId) {
        return Arrays.stream(hub.mail.getReceivedMessages()).filter(m -> subject(m).contains(deviceId)).toList();
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
            return Arrays.stream(message.getAllRecipients()).map(Address::toString).toList();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
