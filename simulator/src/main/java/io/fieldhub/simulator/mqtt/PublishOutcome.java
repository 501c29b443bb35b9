package io.fieldhub.simulator.mqtt;

import com.hivemq.client.mqtt.exceptions.MqttSessionExpiredException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5MessageException;
import com.hivemq.client.mqtt.mqtt5.message.Mqtt5Message;
import com.hivemq.client.mqtt.mqtt5.message.Mqtt5ReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult.Mqtt5Qos1Result;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult.Mqtt5Qos2Result;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrec.Mqtt5PubRec;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrec.Mqtt5PubRecReasonCode;
import java.util.concurrent.CompletionException;

/**
 * Why a publish failed, or null when it succeeded. Success and "no matching subscribers" both mean the broker took
 * the message; any other reason code is an error, named as the MQTT 5 specification names it. A failure without a
 * reason code (connection lost, client closed) is named by its exception.
 */
final class PublishOutcome {

    private PublishOutcome() {}

    static String error(Mqtt5PublishResult result, Throwable failure) {
        Throwable cause = cause(result, failure);
        if (cause != null) {
            return describe(cause);
        }
        Mqtt5ReasonCode code = code(result);
        return code != null && code.isError() ? code.toString() : null;
    }

    /** The broker answered reason code 0x00: taken, and (with the hub's broker intake) stored. */
    static boolean success(Mqtt5PublishResult result, Throwable failure) {
        Mqtt5ReasonCode code = cause(result, failure) == null ? code(result) : null;
        return code == Mqtt5PubAckReasonCode.SUCCESS || code == Mqtt5PubRecReasonCode.SUCCESS;
    }

    /**
     * Whether a device sends the message again rather than count it failed: the broker answered 0x80 (unspecified
     * error, the hub's "not stored in time, send it again"), or the client's session ended with the message
     * unacknowledged in it (the broker restarted without the session). Refusals such as 0x87, 0x97 or 0x99 are
     * final.
     */
    static boolean sendAgain(Mqtt5PublishResult result, Throwable failure) {
        if (sessionEnded(result, failure)) {
            return true;
        }
        Throwable cause = cause(result, failure);
        Mqtt5ReasonCode code = cause instanceof Mqtt5MessageException rejected
                ? code(rejected.getMqttMessage())
                : cause == null ? code(result) : null;
        return code == Mqtt5PubAckReasonCode.UNSPECIFIED_ERROR || code == Mqtt5PubRecReasonCode.UNSPECIFIED_ERROR;
    }

    /** The client's session ended with the message unacknowledged in it. */
    static boolean sessionEnded(Mqtt5PublishResult result, Throwable failure) {
        return cause(result, failure) instanceof MqttSessionExpiredException;
    }

    private static Throwable cause(Mqtt5PublishResult result, Throwable failure) {
        if (failure != null) {
            return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        }
        return result.getError().orElse(null);
    }

    private static Mqtt5ReasonCode code(Mqtt5PublishResult result) {
        if (result instanceof Mqtt5Qos1Result qos1) {
            return qos1.getPubAck().getReasonCode();
        }
        if (result instanceof Mqtt5Qos2Result qos2) {
            return qos2.getPubRec().getReasonCode();
        }
        return null;
    }

    private static Mqtt5ReasonCode code(Mqtt5Message message) {
        if (message instanceof Mqtt5PubAck pubAck) {
            return pubAck.getReasonCode();
        }
        if (message instanceof Mqtt5PubRec pubRec) {
            return pubRec.getReasonCode();
        }
        return null;
    }

    private static String describe(Throwable cause) {
        if (cause instanceof Mqtt5MessageException rejected) {
            Mqtt5ReasonCode code = code(rejected.getMqttMessage());
            if (code != null) {
                return code.toString();
            }
        }
        return cause.getClass().getSimpleName();
    }
}
