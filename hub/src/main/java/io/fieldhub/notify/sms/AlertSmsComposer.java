package io.fieldhub.notify.sms;

import io.fieldhub.notify.Notes;
import io.fieldhub.notify.Outgoing;
import io.fieldhub.notify.channel.PermanentFailure;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Header;
import org.apache.camel.Headers;
import org.apache.camel.component.smpp.SmppConstants;

/**
 * Writes the SMS for one notification, in GSM 7-bit characters only ({@link Gsm7}). An alert transition fits one
 * SMS (at most 160 characters), e.g. {@code CRITICAL engine-42 temperature 95.5>90 at 10:00Z #123}, with what
 * happened before it for a later transition ({@code CLEARED CRITICAL engine-42 ...}) and an acknowledgement's note
 * after it, on one line and cut to fit ({@code ACK maria CRITICAL ... #123: on my way}); a digest lists its alerts in
 * up to {@value #DIGEST_SEGMENTS} segments, which camel-smpp sends as one concatenated message (UDH). The destination
 * must be an E.164 number; any other address is refused for good.
 */
public class AlertSmsComposer {

    /** One SMS of GSM 7-bit text. */
    public static final int SMS_LENGTH = 160;
    /** Characters of text in each segment of a concatenated SMS (the UDH takes the other 7 septets). */
    public static final int SEGMENT_LENGTH = 153;

    static final int DIGEST_SEGMENTS = 3;

    private static final String NOTE_SEPARATOR = ": ";
    /** Less room than this for a note leaves it out: its first words would say nothing. */
    private static final int MIN_NOTE = 12;

    private static final Pattern E164 = Pattern.compile("\\+[1-9]\\d{7,14}");
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm'Z'").withZone(ZoneOffset.UTC);

    /** Sets the destination (the number without its "+": camel-smpp sends it as an international number). */
    public String compose(Outgoing notification, @Headers Map<String, Object> headers) {
        String number =
                notification.address() == null ? "" : notification.address().strip();
        if (!E164.matcher(number).matches()) {
            throw new PermanentFailure("not an E.164 number: '" + notification.address() + "'");
        }
        headers.put(SmppConstants.DEST_ADDR, number.substring(1));
        return notification.isDigest() ? digest(notification.digestOf()) : single(notification);
    }

    /** The line, and after it, for an ACKNOWLEDGED, the operator's note in the room left (one line, cut to fit). */
    static String single(Outgoing n) {
        String line = Gsm7.cut(line(n), SMS_LENGTH);
        String note = "ACKNOWLEDGED".equals(n.transition()) ? Notes.oneLine(n.detail()) : null;
        int room = SMS_LENGTH - line.length() - NOTE_SEPARATOR.length();
        if (note == null || room < MIN_NOTE) {
            return line;
        }
        return line + NOTE_SEPARATOR + Gsm7.cut(Gsm7.plain(note), room);
    }

    /** The id the SMSC gave the message's last segment: the one whose delivery receipt is asked for. */
    public String providerRef(@Header(SmppConstants.ID) List<String> messageIds) {
        return messageIds == null || messageIds.isEmpty() ? null : messageIds.get(messageIds.size() - 1);
    }

    static String digest(List<Outgoing> held) {
        int max = DIGEST_SEGMENTS * SEGMENT_LENGTH;
        var text = new StringBuilder("FieldHub: " + held.size() + " held for you:");
        for (int i = 0; i < held.size(); i++) {
            String separator = i == 0 ? " " : "; ";
            String next = separator + line(held.get(i));
            String more = "; +" + (held.size() - i - 1) + " more";
            boolean last = i == held.size() - 1;
            if (text.length() + next.length() + (last ? 0 : more.length()) > max) {
                text.append(separator).append('+').append(held.size() - i).append(" more");
                break;
            }
            text.append(next);
        }
        return Gsm7.cut(text.toString(), max);
    }

    /** "CRITICAL engine-42 temperature 95.5>90 at 10:00Z #123", with the transition in front after RAISED. */
    static String line(Outgoing n) {
        String transition = n.transition() == null ? "" : n.transition();
        String before = switch (transition) {
            case "RAISED" -> "";
            case "ESCALATED" -> "ESCALATED T" + n.tier() + " ";
            case "ACKNOWLEDGED" -> "ACK " + n.actor() + " ";
            default -> transition + " ";
        };
        String what = n.metric() == null || n.value() == null
                ? n.ruleId()
                : n.metric() + " " + number(n.value()) + comparison(n.value(), n.threshold());
        Instant at = "RAISED".equals(transition) || n.transitionAt() == null ? n.ts() : n.transitionAt();
        String head = Gsm7.plain(before + n.severity() + " " + n.deviceId() + " " + what);
        String tail = (at == null ? "" : " at " + TIME.format(at)) + " #" + n.alertId();
        return Gsm7.cut(head, SMS_LENGTH - tail.length()) + tail;
    }

    private static String comparison(double value, Double threshold) {
        return threshold == null ? "" : (value >= threshold ? ">" : "<") + number(threshold);
    }

    private static String number(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
