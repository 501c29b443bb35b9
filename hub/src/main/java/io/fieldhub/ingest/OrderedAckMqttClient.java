package io.fieldhub.ingest;

import io.fieldhub.ingest.AckSequence.Ack;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT client of the {@code ingest-mqtt} route: a Paho client with manual acknowledgements that sends them in
 * the order the messages arrived ({@link AckSequence}), whatever order the flow finishes them in. Camel's consumer
 * sets its callback and subscribes; the client connects at that first subscribe, after the callback is in place, so
 * the messages the broker kept for the hub's session while it was away all reach the route.
 */
public class OrderedAckMqttClient extends MqttClient {

    private static final Logger LOG = LoggerFactory.getLogger(OrderedAckMqttClient.class);

    private final MqttConnectionOptions options;
    private final AckSequence sequence;
    private final long stepOverNanos;
    private final ScheduledExecutorService sweeper;

    /**
     * @param maxHeld       finished messages that may wait behind unfinished ones before those are stepped over
     * @param stepOverAfter how long an unfinished message may hold back finished ones that arrived after it
     */
    public OrderedAckMqttClient(
            String brokerUrl,
            String clientId,
            MqttClientPersistence persistence,
            MqttConnectionOptions options,
            int maxHeld,
            Duration stepOverAfter)
            throws MqttException {
        super(brokerUrl, clientId, persistence);
        this.options = options;
        this.sequence = new AckSequence(maxHeld);
        this.stepOverNanos = stepOverAfter.toNanos();
        setManualAcks(true);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-ack-sweep");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, stepOverAfter.toMillis() / 2);
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void setCallback(MqttCallback callback) {
        super.setCallback(new Sequencing(callback));
    }

    @Override
    public IMqttToken subscribe(String topicFilter, int qos) throws MqttException {
        if (!isConnected()) {
            connect(options);
        }
        return super.subscribe(topicFilter, qos);
    }

    @Override
    public void messageArrivedComplete(int messageId, int qos) throws MqttException {
        synchronized (sequence) {
            send(sequence.finished(messageId, qos));
        }
    }

    /** Messages arrived and not yet acknowledged. */
    public int pendingAcks() {
        synchronized (sequence) {
            return sequence.pending();
        }
    }

    /** Acknowledges what has finished, stops the sweeper and disconnects; the rest stays with the broker. */
    public void shutdown() {
        sweeper.shutdownNow();
        try {
            synchronized (sequence) {
                send(sequence.sweep(System.nanoTime() + 1));
            }
            if (isConnected()) {
                disconnect();
            }
            close();
        } catch (MqttException e) {
            LOG.warn(
                    "The MQTT client did not disconnect cleanly; the broker keeps the hub's unacknowledged messages",
                    e);
        }
    }

    private void sweep() {
        try {
            synchronized (sequence) {
                send(sequence.sweep(System.nanoTime() - stepOverNanos));
            }
        } catch (MqttException | RuntimeException e) {
            // The broker sends unacknowledged messages again after a reconnect; the store takes each once.
            LOG.debug("Acknowledgements not sent: {}", e.toString());
        }
    }

    private void send(List<Ack> acks) throws MqttException {
        for (Ack ack : acks) {
            super.messageArrivedComplete(ack.packetId(), ack.qos());
        }
    }

    /** Notes each QoS 1/2 arrival before the route sees it, and forgets them all when the connection goes. */
    private final class Sequencing implements MqttCallback {

        private final MqttCallback route;

        Sequencing(MqttCallback route) {
            this.route = route;
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws Exception {
            if (message.getQos() > 0) {
                synchronized (sequence) {
                    sequence.arrived(message.getId(), message.getQos(), System.nanoTime());
                }
            }
            route.messageArrived(topic, message);
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            synchronized (sequence) {
                sequence.reset();
            }
            route.disconnected(response);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            route.mqttErrorOccurred(exception);
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            route.deliveryComplete(token);
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            route.connectComplete(reconnect, serverURI);
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            route.authPacketArrived(reasonCode, properties);
        }
    }
}
