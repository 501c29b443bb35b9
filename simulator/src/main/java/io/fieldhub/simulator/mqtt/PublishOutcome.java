package io.fieldhub.simulator.mqtt;

import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5MessageException;
import com.hivemq.client.mqtt.mqtt5.message.Mqtt5Message;
import com.hivemq.client.mqtt.mqtt5.message.Mqtt5ReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult.Mqtt5Qos1Result;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult.Mqtt5Qos2Result;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrec.Mqtt5PubRec;
import java.util.concurrent.CompletionException;

/**
 * Why a publish failed, or null when it succeeded. Success and "no matching subscribers" both mean the broker took
 * the message; any other reason code is an error, named as the MQTT 5 specification names it. A failure without a
 * reason code (connection lost, client closed) is named by its exception.
 */
final class PublishOutcome {

    private PublishOutcome() {}

    static String error(Mqtt5PublishResult result, Throwable failure) {
        if (failure != null) {
            return describe(failure);
        }
        if (result.getError().isPresent()) {
            return describe(result.getError().get());
        }
        Mqtt5ReasonCode code = null;
        if (result instanceof Mqtt5Qos1Result qos1) {
            code = qos1.getPubAck().getReasonCode();
        } else if (result instanceof Mqtt5Qos2Result qos2) {
            code = qos2.getPubRec().getReasonCode();
        }
        return code != null && code.isError() ? code.toString() : null;
    }

    private static String describe(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof Mqtt5MessageException rejected) {
            Mqtt5Message message = rejected.getMqttMessage();
            if (message instanceof Mqtt5PubAck pubAck) {
                return pubAck.getReasonCode().toString();
            }
            if (message instanceof Mqtt5PubRec pubRec) {
                return pubRec.getReasonCode().toString();
            }
        }
        return cause.getClass().getSimpleName();
    }
}
