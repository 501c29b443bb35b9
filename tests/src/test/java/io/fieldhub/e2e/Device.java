package io.fieldhub.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/** A simulated device: a real MQTT 5 client that proves who it is and publishes to its own telemetry topic at QoS 1. */
final class Device implements AutoCloseable {

    final String id;
    private final MqttAsyncClient client;

    Device(RunningHub hub, String id) throws MqttException {
        this.id = id;
        this.client = new MqttAsyncClient(hub.mqttUrl(), id, new MemoryPersistence());
        var options = TestFleet.options(id);
        options.setCleanStart(true);
        client.connect(options).waitForCompletion(10_000);
    }

    static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Publishes and returns the PUBACK reason codes (0 = success). */
    int[] publish(byte[] payload, String contentType, String messageId) throws MqttException {
        IMqttToken token = send(payload, contentType, messageId);
        token.waitForCompletion(10_000);
        return token.getReasonCodes();
    }

    /** Publishes without waiting: the token completes with the PUBACK. */
    IMqttToken send(String json, String messageId) throws MqttException {
        return send(json.getBytes(StandardCharsets.UTF_8), "application/json", messageId);
    }

    /**
     * Sends the reading until the hub acknowledges it with 0x00, as a device does: one that gets another code (0x80,
     * "send it again") or no answer in time goes again with the same messageId. Returns the attempts it took.
     */
    int sendUntilAcknowledged(String json, String messageId) {
        for (int attempt = 1; ; attempt++) {
            try {
                IMqttToken token = send(json, messageId);
                token.waitForCompletion(15_000);
                if (token.getReasonCodes()[0] == 0) {
                    return attempt;
                }
            } catch (MqttException timedOut) {
                // no PUBACK in time: send it again
            }
        }
    }

    /** Publishes at QoS 0: no PUBACK, the token completes once the message is written. */
    IMqttToken fire(String json, String messageId) throws MqttException {
        return send(json.getBytes(StandardCharsets.UTF_8), "application/json", messageId, 0);
    }

    private IMqttToken send(byte[] payload, String contentType, String messageId) throws MqttException {
        return send(payload, contentType, messageId, 1);
    }

    private IMqttToken send(byte[] payload, String contentType, String messageId, int qos) throws MqttException {
        var message = new MqttMessage(payload);
        message.setQos(qos);
        var properties = new MqttProperties();
        if (contentType != null) {
            properties.setContentType(contentType);
        }
        List<UserProperty> user = new ArrayList<>();
        if (messageId != null) {
            user.add(new UserProperty("messageId", messageId));
        }
        properties.setUserProperties(user);
        message.setProperties(properties);
        return client.publish("devices/" + id + "/telemetry", message);
    }

    int[] publishJson(String json, String messageId) throws MqttException {
        return publish(json.getBytes(StandardCharsets.UTF_8), "application/json", messageId);
    }

    @Override
    public void close() throws MqttException {
        client.disconnect().waitForCompletion(5_000);
        client.close();
    }
}
