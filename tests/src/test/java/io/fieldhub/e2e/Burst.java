package io.fieldhub.e2e;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * Many devices publishing QoS 1 as fast as the broker acknowledges, each over its own MQTT 5 connection (a device
 * proves who it is, see {@link TestFleet}). Remembers which message ids the broker acknowledged (PUBACK reason code 0)
 * and which it refused, with the reason code.
 */
final class Burst implements AutoCloseable {

    private record Connection(MqttAsyncClient client, Semaphore window) {}

    private final String brokerUrl;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> refused = new ConcurrentHashMap<>();
    private final AtomicInteger failed = new AtomicInteger();

    Burst(String brokerUrl) {
        this.brokerUrl = brokerUrl;
    }

    /**
     * Publishes one JSON reading of {@code devices/{deviceId}/telemetry} with the given message id, once the device's
     * connection has a free slot. Returns false, publishing nothing, when the broker is gone.
     */
    boolean publish(String deviceId, String messageId, String json) throws InterruptedException {
        Connection connection;
        try {
            connection = connection(deviceId);
        } catch (MqttException e) {
            return false;
        }
        MqttAsyncClient client = connection.client();
        Semaphore window = connection.window();
        if (!client.isConnected() || !window.tryAcquire(5, TimeUnit.SECONDS)) {
            return false;
        }
        var message = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        var properties = new MqttProperties();
        properties.setUserProperties(List.of(new UserProperty("messageId", messageId)));
        message.setProperties(properties);
        try {
            client.publish("devices/" + deviceId + "/telemetry", message, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int reasonCode = token.getReasonCodes()[0];
                    if (reasonCode == 0) {
                        acked.add(messageId);
                    } else {
                        refused.put(messageId, reasonCode);
                        failed.incrementAndGet();
                    }
                    window.release();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    failed.incrementAndGet();
                    window.release();
                }
            });
            return true;
        } catch (MqttException e) {
            window.release();
            return false;
        }
    }

    /** The device's connection, opened on its first message; the broker lets it have 10 PUBACKs outstanding. */
    private Connection connection(String deviceId) throws MqttException {
        Connection known = connections.get(deviceId);
        if (known != null) {
            return known;
        }
        var client = new MqttAsyncClient(brokerUrl, deviceId, new MemoryPersistence());
        var connection = new Connection(client, new Semaphore(10));
        connections.put(deviceId, connection);
        client.connect(TestFleet.options(deviceId)).waitForCompletion(10_000);
        return connection;
    }

    Set<String> acked() {
        return Set.copyOf(acked);
    }

    /** The message ids the broker answered with a PUBACK reason code other than 0, with that code. */
    Map<String, Integer> refused() {
        return Map.copyOf(refused);
    }

    int ackedCount() {
        return acked.size();
    }

    int answered() {
        return acked.size() + failed.get();
    }

    int failed() {
        return failed.get();
    }

    @Override
    public void close() {
        for (Connection connection : connections.values()) {
            MqttAsyncClient client = connection.client();
            try {
                if (client.isConnected()) {
                    client.disconnect().waitForCompletion(5_000);
                }
                client.close(true);
            } catch (MqttException e) {
                // the broker may be gone already (a test that kills the hub)
            }
        }
    }
}
