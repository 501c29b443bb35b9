package io.fieldhub.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * Many devices publishing QoS 1 as fast as the broker acknowledges, over a few MQTT 5 connections. Remembers which
 * message ids the broker acknowledged (PUBACK reason code 0).
 */
final class Burst implements AutoCloseable {

    private final List<MqttAsyncClient> clients = new ArrayList<>();
    // the broker lets each connection have 10 publishes awaiting their PUBACK (its receive maximum)
    private final List<Semaphore> windows = new ArrayList<>();
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failed = new AtomicInteger();

    Burst(String brokerUrl, String clientIdPrefix, int connections) throws MqttException {
        for (int c = 0; c < connections; c++) {
            var client = new MqttAsyncClient(brokerUrl, clientIdPrefix + "-c" + c, new MemoryPersistence());
            client.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
            clients.add(client);
            windows.add(new Semaphore(10));
        }
    }

    /**
     * Publishes one JSON reading of {@code devices/{deviceId}/telemetry} with the given message id, once its
     * connection has a free slot. Returns false, publishing nothing, when the broker is gone.
     */
    boolean publish(String deviceId, String messageId, String json) throws InterruptedException {
        int c = Math.floorMod(deviceId.hashCode(), clients.size());
        MqttAsyncClient client = clients.get(c);
        Semaphore window = windows.get(c);
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
                    if (token.getReasonCodes()[0] == 0) {
                        acked.add(messageId);
                    } else {
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

    Set<String> acked() {
        return Set.copyOf(acked);
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
        for (MqttAsyncClient client : clients) {
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
