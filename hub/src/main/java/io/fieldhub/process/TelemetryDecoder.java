package io.fieldhub.process;

import static io.fieldhub.ingest.TelemetryHeaders.*;

import io.fieldhub.codec.Codecs;
import io.fieldhub.telemetry.InvalidTelemetryException;
import io.fieldhub.telemetry.RawTelemetry;
import io.fieldhub.telemetry.TelemetryRecord;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.MDC;

/**
 * First processing step after the backbone: checks the size, then picks the codec by content type and turns the
 * bytes into the canonical record. Keeps the original bytes on the exchange for the dead letters.
 */
public class TelemetryDecoder {

    /** Exchange property holding the payload exactly as received, for dead-letter records. */
    public static final String RAW_PAYLOAD = "fieldhubRawPayload";

    private final Codecs codecs;
    private final int maxPayloadBytes;

    public TelemetryDecoder(Codecs codecs, int maxPayloadBytes) {
        this.codecs = codecs;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    public TelemetryRecord decode(Exchange exchange) {
        Message in = exchange.getMessage();
        byte[] payload = in.getBody(byte[].class);
        exchange.setProperty(RAW_PAYLOAD, payload);
        String deviceId = in.getHeader(DEVICE_ID, String.class);
        MDC.put(DEVICE_ID, deviceId);
        MDC.put(MESSAGE_ID, in.getHeader(MESSAGE_ID, String.class));
        MDC.put(TRACE_ID, in.getHeader(TRACE_ID, String.class));
        if (payload.length > maxPayloadBytes) {
            throw new InvalidTelemetryException("payload of " + payload.length + " bytes exceeds the limit of "
                    + maxPayloadBytes + " bytes (hub.ingest.max-payload-bytes); send smaller messages");
        }
        RawTelemetry raw = new RawTelemetry(
                deviceId,
                payload,
                in.getHeader(CONTENT_TYPE, String.class),
                in.getHeader(MESSAGE_ID, String.class),
                Boolean.parseBoolean(in.getHeader(MESSAGE_ID_ASSIGNED, String.class)),
                in.getHeader(TRACE_ID, String.class),
                Instant.parse(in.getHeader(RECEIVED_AT, String.class)));
        TelemetryRecord record = codecs.decode(raw);
        in.setHeader(MESSAGE_ID, record.messageId());
        MDC.put(MESSAGE_ID, record.messageId());
        return record;
    }
}
