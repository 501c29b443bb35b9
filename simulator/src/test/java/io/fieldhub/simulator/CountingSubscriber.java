package io.fieldhub.simulator;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.net.URI;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real MQTT 5 client subscribed to every device's telemetry, keeping what arrives in order of arrival. It keeps a
 * session and reconnects, so that across a broker restart it still gets what the broker had acknowledged.
 */
final class CountingSubscriber implements AutoCloseable {

    record Received(String deviceId, String messageId, long seq, String contentType, byte[] payload) {}

    private static final long SESSION_EXPIRY_SECONDS = 300;

    private final Mqtt5AsyncClient client;
    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    CountingSubscriber(String url) throws Exception {
        URI uri = URI.create(url);
        client = MqttClient.builder()
                .useMqttVersion5()
                .identifier("counter-" + UUID.randomUUID())
                .serverHost(uri.getHost())
                .serverPort(uri.getPort())
                .automaticReconnectWithDefaultConfig()
                .addDisconnectedListener(context -> {
                    if (closed) {
                        context.getReconnector().reconnect(false);
                    }
                })
                .buildAsync();
        client.connectWith()
                .cleanStart(false)
                .sessionExpiryInterval(SESSION_EXPIRY_SECONDS)
                .send()
                .get(10, TimeUnit.SECONDS);
        client.subscribeWith()
                .topicFilter("devices/+/telemetry")
                .qos(MqttQos.AT_LEAST_ONCE)
                .callback(this::onMessage)
                .send()
                .get(10, TimeUnit.SECONDS);
    }

    private void onMessage(Mqtt5Publish publish) {
        String deviceId = publish.getTopic().getLevels().get(1);
        String seq = userProperty(publish, "seq");
        received.add(new Received(
                deviceId,
                userProperty(publish, "messageId"),
                seq == null ? -1 : Long.parseLong(seq),
                publish.getContentType().map(Object::toString).orElse(null),
                publish.getPayloadAsBytes()));
    }

    private static String userProperty(Mqtt5Publish publish, String name) {
        return publish.getUserProperties().asList().stream()
                .filter(p -> p.getName().toString().equals(name))
                .map(Mqtt5UserProperty::getValue)
                .map(Object::toString)
                .findFirst()
                .orElse(null);
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    int count() {
        return received.size();
    }

    void clear() {
        received.clear();
    }

    @Override
    public void close() throws Exception {
        closed = true;
        // A client waiting to reconnect (its broker gone) has nothing to disconnect; its next attempt is its last.
        if (client.getState().isConnected()) {
            client.disconnectWith().sessionExpiryInterval(0).send().get(10, TimeUnit.SECONDS);
        }
    }
}
