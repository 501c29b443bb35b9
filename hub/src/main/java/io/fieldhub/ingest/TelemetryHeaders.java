package io.fieldhub.ingest;

/**
 * The headers that travel with a raw payload across the backbone (in-process or Kafka). Plain strings, so any
 * backbone can carry them.
 */
public final class TelemetryHeaders {

    public static final String DEVICE_ID = "deviceId";
    public static final String MESSAGE_ID = "messageId";
    /** "true" when ingest made the message id up, so an id inside the payload wins. */
    public static final String MESSAGE_ID_ASSIGNED = "messageIdAssigned";

    public static final String TRACE_ID = "traceId";
    /** Hub time at ingest, ISO-8601. */
    public static final String RECEIVED_AT = "receivedAt";

    public static final String CONTENT_TYPE = "Content-Type";
    /** Where it came in: mqtt or http. */
    public static final String SOURCE = "ingestSource";
    /** The rule engine's verdict for the message, a {@code List<RaisedAlert>}. */
    public static final String ALERTS = "alerts";

    private TelemetryHeaders() {}
}
