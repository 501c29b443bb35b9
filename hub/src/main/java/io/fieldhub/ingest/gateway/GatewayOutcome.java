package io.fieldhub.ingest.gateway;

import java.util.List;

/**
 * What became of a gateway message, reading by reading; the body of the HTTP answer, and what the MQTT PUBACK says.
 *
 * @param answer     the one verdict on the message (see {@link Answer})
 * @param stored     readings stored (a resend of a stored one counts: it is stored once)
 * @param deadLetters readings kept as dead letters, refused or bad, with the reason
 * @param notStored  readings neither stored nor kept: the gateway sends the message again
 * @param overQuota  the device whose rate the batch would exceed, or null
 */
public record GatewayOutcome(
        String gatewayId,
        String messageId,
        Answer answer,
        int readings,
        int stored,
        List<DeadLetter> deadLetters,
        int notStored,
        String overQuota) {

    /** The verdict, worst first: a message is answered by the worst that happened to one of its readings. */
    public enum Answer {
        /** Over a device's rate: nothing was taken; send it again later (PUBACK 0x97, HTTP 429). */
        OVER_QUOTA(429),
        /** Some reading was not stored: send the message again (PUBACK 0x80, HTTP 503); stored ones are not repeated. */
        SEND_AGAIN(503),
        /** Some reading is bad input, kept as a dead letter; the others are stored (PUBACK 0x99, HTTP 400). */
        BAD_INPUT(400),
        /** Some reading could not be processed and was kept as a dead letter (PUBACK 0x83, HTTP 500). */
        DEAD_LETTER(500),
        /** Every reading the gateway may send is stored; refused ones are dead letters (PUBACK 0x00, HTTP 202). */
        STORED(202);

        public final int httpStatus;

        Answer(int httpStatus) {
            this.httpStatus = httpStatus;
        }
    }

    /** A reading kept as a dead letter instead of being stored. {@code refused}: the gateway may not send for it. */
    public record DeadLetter(String deviceId, int index, String messageId, String reason, boolean refused) {}

    /** The reason to show the gateway beside a PUBACK that is not a success. */
    public String reason() {
        return switch (answer) {
            case OVER_QUOTA -> "device " + overQuota + " sends faster than hub.ingest.quota allows: slow down";
            case SEND_AGAIN ->
                "FieldHub did not store " + notStored + " of the " + readings + " readings of this"
                        + " message: send it again (readings already stored are not stored twice)";
            case BAD_INPUT, DEAD_LETTER ->
                firstUnrefused()
                        + (deadLetters.size() > 1 ? " (and " + (deadLetters.size() - 1) + " more dead letters)" : "")
                        + "; " + stored + " of " + readings + " readings stored";
            case STORED -> null;
        };
    }

    private String firstUnrefused() {
        return deadLetters.stream()
                .filter(d -> !d.refused())
                .findFirst()
                .map(d -> "reading " + d.index() + " of device " + d.deviceId() + ": " + d.reason())
                .orElse("");
    }
}
