package io.fieldhub.deadletter;

import static io.fieldhub.ingest.TelemetryHeaders.*;

import io.fieldhub.process.TelemetryDecoder;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.GeneratedKeyHolder;

/**
 * Records a message the hub cannot process, with its original payload (base64 unless it is UTF-8 text), the
 * reason and the route, so nothing acknowledged is lost and the sender can be told what to fix.
 */
public class DeadLetters {

    /**
     * Set on an exchange once its dead letter is written: what a device's answer (PUBACK 0x99 or 0x83) goes by, rather
     * than an exception a redelivery may have outlived.
     */
    public static final String RECORDED = "fieldhub.deadLetterRecorded";

    /**
     * Set on an exchange whose cause is already in the log, said once a minute rather than once a message (a
     * permanent store failure): its dead letter is then logged at DEBUG.
     */
    public static final String CAUSE_LOGGED = "fieldhub.causeLogged";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final JdbcTemplate jdbc;
    private final MeterRegistry meters;
    private final int keptBytes;

    /** {@code keptBytes}: how much of a payload is kept; the size and SHA-256 of the whole are kept always. */
    public DeadLetters(JdbcTemplate jdbc, MeterRegistry meters, int keptBytes) {
        this.jdbc = jdbc;
        this.meters = meters;
        this.keptBytes = keptBytes;
    }

    /** Stores the failed exchange; returns the error body for HTTP callers. */
    public Map<String, Object> record(Exchange exchange) {
        Message in = exchange.getMessage();
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause == null ? "unknown" : cause.getMessage();
        String routeId = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class);
        byte[] whole = rawPayload(exchange);
        byte[] payload = whole == null || whole.length <= keptBytes ? whole : Arrays.copyOf(whole, keptBytes);
        String text = payload == null ? null : utf8(payload, payload != whole);
        String stored = payload == null
                ? null
                : text != null ? text : Base64.getEncoder().encodeToString(payload);
        String deviceId = printable(in.getHeader(DEVICE_ID, String.class));
        String messageId = printable(in.getHeader(MESSAGE_ID, String.class));
        var key = new GeneratedKeyHolder();
        jdbc.update(
                con -> {
                    var ps = con.prepareStatement("""
                    insert into dead_letter (device_id, message_id, trace_id, source, route_id, reason, content_type,
                                             payload, payload_encoding, payload_size, payload_sha256,
                                             payload_truncated)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", new String[] {"id"});
                    ps.setString(1, deviceId);
                    ps.setString(2, messageId);
                    ps.setString(3, in.getHeader(TRACE_ID, String.class));
                    ps.setString(4, in.getHeader(SOURCE, String.class));
                    ps.setString(5, routeId);
                    ps.setString(6, printable(reason));
                    ps.setString(7, in.getHeader(CONTENT_TYPE, String.class));
                    ps.setString(8, stored);
                    ps.setString(9, text == null && stored != null ? "base64" : "utf8");
                    ps.setObject(10, whole == null ? null : whole.length);
                    ps.setString(11, whole == null ? null : sha256(whole));
                    ps.setBoolean(12, payload != whole);
                    return ps;
                },
                key);
        exchange.setProperty(RECORDED, true);
        meters.counter("fieldhub.deadletters", "route", String.valueOf(routeId)).increment();
        boolean logged = exchange.getProperty(CAUSE_LOGGED, false, Boolean.class);
        LOG.atLevel(logged ? Level.DEBUG : Level.WARN)
                .log(
                        "dead letter {} from device {} message {} (route {}): {}",
                        key.getKey(),
                        deviceId,
                        messageId,
                        routeId,
                        reason);
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("error", reason);
        error.put("deviceId", deviceId);
        error.put("messageId", messageId);
        error.put("deadLetterId", key.getKey());
        return error;
    }

    /** PostgreSQL text cannot hold NUL; a dead letter must never fail on what made the message bad. */
    private static String printable(String s) {
        return s == null ? null : s.replace('\u0000', '?');
    }

    /** The bytes as received: kept by the decoder, or still the body when ingest itself refused the message. */
    private static byte[] rawPayload(Exchange exchange) {
        byte[] kept = exchange.getProperty(TelemetryDecoder.RAW_PAYLOAD, byte[].class);
        return kept != null ? kept : exchange.getMessage().getBody() instanceof byte[] body ? body : null;
    }

    private static String sha256(byte[] payload) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /**
     * The payload as text when it is printable UTF-8; {@code null} for binary (stored as base64 instead). A cut
     * payload may end inside a character, which does not make it binary.
     */
    private static String utf8(byte[] payload, boolean cut) {
        ByteBuffer bytes = ByteBuffer.wrap(payload);
        CharBuffer chars = CharBuffer.allocate(payload.length);
        // at the end of a cut payload, an unfinished character is left undecoded instead of counting as malformed
        if (StandardCharsets.UTF_8.newDecoder().decode(bytes, chars, !cut).isError()) {
            return null;
        }
        String text = chars.flip().toString();
        boolean printable = text.chars().allMatch(c -> c >= 0x20 || c == '\t' || c == '\n' || c == '\r');
        return printable ? text : null;
    }
}
