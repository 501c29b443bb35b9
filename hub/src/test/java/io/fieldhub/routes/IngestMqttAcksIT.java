package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fieldhub.embedded.EmbeddedBroker;
import io.fieldhub.ingest.OrderedAckMqttClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.util.TestSocketUtils;

/**
 * The ingest route's MQTT session (the ingestMqttClient bean) against the embedded HiveMQ: messages the flow finished
 * are acknowledged whatever order they finish in, and what it had not finished comes again with the next session,
 * nothing else.
 */
class IngestMqttAcksIT {

    private static final String TOPIC = "devices/engine-1/telemetry";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private EmbeddedBroker broker;
    private MqttClient device;
    private final List<OrderedAckMqttClient> hubs = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = new EmbeddedBroker(dir.resolve("broker"), "127.0.0.1", TestSocketUtils.findAvailableTcpPort(), true);
        broker.start();
        device = new MqttClient(broker.url(), "engine-1", new MemoryPersistence());
        device.connect();
    }

    @AfterEach
    void stop() throws Exception {
        hubs.forEach(OrderedAckMqttClient::shutdown);
        if (device.isConnected()) {
            device.disconnect();
        }
        device.close();
        broker.close();
    }

    @Test
    void messagesFinishedOutOfOrderAreAllAcknowledgedAndNotSentAgain() throws Exception {
        // The flow finishes each message 0-30 ms after it arrived, so they finish in no particular order.
        Received first = new Received(id -> ThreadLocalRandom.current().nextInt(30));
        OrderedAckMqttClient hub = hub(first, Duration.ofSeconds(5));
        publish(1, 50);
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(first.messages).hasSize(50));
        await().atMost(DEADLINE).until(() -> hub.pendingAcks() == 0);
        assertThat(first.finishedOutOfOrder())
                .as("the test finished them out of order")
                .isTrue();
        restart(hub);

        Received second = new Received(id -> 0);
        hub(second, Duration.ofSeconds(5));
        publish(51, 51);
        await().atMost(DEADLINE).until(() -> !second.messages.isEmpty());
        assertThat(second.payloads())
                .as("only the new message; none of the 50 again")
                .containsExactly("51");
    }

    @Test
    void aMessageThatNeverFinishesIsSteppedOverAndComesAgainWithTheNextSessionAlone() throws Exception {
        restart(hub(new Received(id -> 0), Duration.ofSeconds(5))); // the hub's session exists, the hub is away
        publish(1, 20);

        // The first message never finishes (its exchange failed); the nineteen after it do, at once.
        Received first = new Received(id -> id.equals("1") ? null : 0);
        OrderedAckMqttClient hub = hub(first, Duration.ofMillis(500));
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(first.messages).hasSize(20));
        await().atMost(DEADLINE).until(() -> hub.pendingAcks() == 0);
        restart(hub);

        Received second = new Received(id -> 0);
        hub(second, Duration.ofSeconds(5));
        publish(21, 21);
        await().atMost(DEADLINE).until(() -> second.messages.size() >= 2);
        assertThat(second.payloads()).containsExactly("1", "21");
    }

    private OrderedAckMqttClient hub(Received received, Duration stepOverAfter) throws MqttException {
        var options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(3600L);
        var hub = new OrderedAckMqttClient(
                broker.url(), "fieldhub-ingest", new MemoryPersistence(), options, 1000, stepOverAfter);
        hubs.add(hub);
        received.hub = hub;
        hub.setCallback(received);
        hub.subscribe("devices/+/telemetry", 1);
        return hub;
    }

    private void restart(OrderedAckMqttClient hub) {
        hubs.remove(hub);
        hub.shutdown();
    }

    private void publish(int from, int to) throws MqttException {
        for (int i = from; i <= to; i++) {
            MqttMessage m = new MqttMessage(String.valueOf(i).getBytes(StandardCharsets.UTF_8));
            m.setQos(1);
            device.publish(TOPIC, m);
        }
    }

    /**
     * Stands in for Camel's consumer and the flow: keeps what arrived and finishes each message after the delay
     * (milliseconds) {@code finishAfter} gives for its payload, or never when it gives {@code null}.
     */
    private static final class Received implements MessageArrived {
        final List<MqttMessage> messages = new CopyOnWriteArrayList<>();
        final List<MqttMessage> finished = new CopyOnWriteArrayList<>();
        final Function<String, Integer> finishAfter;
        final ScheduledExecutorService flow = Executors.newScheduledThreadPool(4);
        volatile OrderedAckMqttClient hub;

        Received(Function<String, Integer> finishAfter) {
            this.finishAfter = finishAfter;
        }

        List<String> payloads() {
            return messages.stream()
                    .map(m -> new String(m.getPayload(), StandardCharsets.UTF_8))
                    .toList();
        }

        boolean finishedOutOfOrder() {
            return !finished.equals(messages);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            messages.add(message);
            Integer delay = finishAfter.apply(new String(message.getPayload(), StandardCharsets.UTF_8));
            if (delay != null) {
                flow.schedule(
                        () -> {
                            finished.add(message);
                            hub.messageArrivedComplete(message.getId(), message.getQos());
                            return null;
                        },
                        delay,
                        TimeUnit.MILLISECONDS);
            }
        }
    }
}
