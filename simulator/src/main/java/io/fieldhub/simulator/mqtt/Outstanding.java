package io.fieldhub.simulator.mqtt;

import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A message from its first send until it is settled (acknowledged, failed or given up), sent again meanwhile as the
 * same publish, so with the same messageId. Settling happens once, whoever gets there first: a late PUBACK of a
 * message already given up changes nothing.
 */
final class Outstanding {

    private static final int SENT = 0;
    private static final int INTERRUPTED = 1;
    private static final int RESENT = 2;

    private final String deviceId;
    private final String messageId;
    /** The readings it carries, each a device id and its message id: one, or a gateway's batch. */
    private final List<Map.Entry<String, String>> readings;

    private final Mqtt5Publish publish;
    private final long firstSentNanos;
    private final AtomicBoolean settled = new AtomicBoolean();
    private final AtomicInteger resendState = new AtomicInteger(SENT);

    Outstanding(String deviceId, String messageId, Mqtt5Publish publish, long firstSentNanos) {
        this(deviceId, messageId, List.of(Map.entry(deviceId, messageId)), publish, firstSentNanos);
    }

    Outstanding(
            String deviceId,
            String messageId,
            List<Map.Entry<String, String>> readings,
            Mqtt5Publish publish,
            long firstSentNanos) {
        this.deviceId = deviceId;
        this.messageId = messageId;
        this.readings = readings;
        this.publish = publish;
        this.firstSentNanos = firstSentNanos;
    }

    /** The device id and message id of each reading this message carries. */
    List<Map.Entry<String, String>> readings() {
        return readings;
    }

    String deviceId() {
        return deviceId;
    }

    String messageId() {
        return messageId;
    }

    Mqtt5Publish publish() {
        return publish;
    }

    long firstSentNanos() {
        return firstSentNanos;
    }

    /** True for the one caller that settles the message. */
    boolean settle() {
        return settled.compareAndSet(false, true);
    }

    boolean settled() {
        return settled.get();
    }

    /** The connection dropped while the message awaited its PUBACK. */
    void interrupt() {
        resendState.set(INTERRUPTED);
    }

    /**
     * The connection is back and the message goes out again, from the client's session or, when the broker lost
     * the session, from the simulator: true for whichever reports it first, so an interruption is one resend.
     */
    boolean resentAfterInterruption() {
        return resendState.compareAndSet(INTERRUPTED, RESENT);
    }

    /**
     * The simulator sends the message again because the client's session ended: true unless the reconnect already
     * counted this interruption.
     */
    boolean resentAfterSessionEnd() {
        return resendState.getAndSet(RESENT) != RESENT;
    }
}
