package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fieldhub.embedded.EmbeddedBroker;
import io.fieldhub.ingest.BrokerExtension;
import io.fieldhub.ingest.BrokerIntake;
import io.fieldhub.ingest.DeviceQuota;
import io.fieldhub.ingest.Ingest;
import io.fieldhub.telemetry.InvalidTelemetryException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPubAck;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.util.TestSocketUtils;

/**
 * routes/ingest-broker.camel.yaml with the embedded HiveMQ handing publishes over ({@link BrokerIntake}): a device's
 * PUBACK comes only when the flow has finished with its message, and says what became of it.
 */
class IngestBrokerRouteIT {

    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final String TOPIC = "devices/engine-7/telemetry";

    @TempDir
    Path dir;

    EmbeddedBroker broker;
    RouteHarness hub;
    MqttAsyncClient device;
    /** The rest of the flow (decode, rules, store): holds each message until the test finishes it. */
    final HeldFlow flow = new HeldFlow();

    final MeterRegistry meters = new SimpleMeterRegistry();

    void start(Duration storeTimeout) throws Exception {
        BrokerIntake intake = startBroker(storeTimeout);
        startFlow(intake);
    }

    /** The broker with the intake, and the device connected; the flow not started yet. */
    BrokerIntake startBroker(Duration storeTimeout) throws Exception {
        BrokerIntake intake = new BrokerIntake(storeTimeout, new DeviceQuota(0, 1), meters);
        broker = new EmbeddedBroker(
                dir.resolve("broker"),
                "127.0.0.1",
                TestSocketUtils.findAvailableTcpPort(),
                true,
                BrokerExtension.of((auth, allow) -> allow.authenticateSuccessfully(), intake));
        broker.start();
        device = new MqttAsyncClient(broker.url(), "engine-7", new MemoryPersistence());
        device.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        return intake;
    }

    void startFlow(BrokerIntake intake) throws Exception {
        hub = new RouteHarness()
                .bind("ingest", new Ingest(Clock.systemUTC()))
                .bind("heldFlow", flow)
                .routes("ingest-broker.camel.yaml")
                .advise(
                        "ingest-broker",
                        a -> a.weaveByToString(".*\\{\\{hub\\.backbone\\.endpoint}}.*")
                                .replace()
                                .process("heldFlow"))
                .start();
        intake.connect(hub.context());
    }

    @AfterEach
    void stop() throws Exception {
        if (device != null && device.isConnected()) {
            device.disconnect().waitForCompletion(5_000);
        }
        if (hub != null) {
            hub.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void thePubackComesOnlyOnceTheFlowHasFinishedWithTheMessage() throws Exception {
        start(Duration.ofSeconds(30));

        IMqttToken ack = publish(TOPIC, "{\"metrics\":{\"temperature\":81.5}}", "m-1");
        Held held = flow.next();
        assertThat(held.exchange().getMessage().getHeaders())
                .containsEntry("deviceId", "engine-7")
                .containsEntry("messageId", "m-1")
                .containsEntry("Content-Type", "application/json")
                .containsEntry("ingestSource", "mqtt");
        assertThat(held.exchange().getMessage().getBody(String.class))
                .isEqualTo("{\"metrics\":{\"temperature\":81.5}}");
        assertThat(ack.isComplete())
                .as("PUBACK while the flow still has the message")
                .isFalse();

        held.finish();
        ack.waitForCompletion(DEADLINE.toMillis());
        assertThat(ack.getReasonCodes()).containsExactly(0);
        assertThat(pubacks("stored")).isEqualTo(1);
    }

    /** How many PUBACKs with this outcome the hub's metrics have counted. */
    long pubacks(String outcome) {
        return meters.get(BrokerIntake.PUBACK_METRIC)
                .tag("outcome", outcome)
                .timer()
                .count();
    }

    @Test
    void badInputIsAnsweredPayloadFormatInvalidWithTheReasonAndKeptAsADeadLetter() throws Exception {
        start(Duration.ofSeconds(30));

        IMqttToken ack = publish(TOPIC, "{\"metrics\":{\"temperature\":\"hot\"}}", "bad-1");
        flow.next().fail(new InvalidTelemetryException("metric 'temperature' must be a number, was \"hot\""));

        assertThat(reasonCode(ack)).isEqualTo(0x99);
        assertThat(reasonString(ack)).isEqualTo("metric 'temperature' must be a number, was \"hot\"");
        assertThat(hub.deadLetters().letters()).singleElement().satisfies(letter -> {
            assertThat(letter.messageId()).isEqualTo("bad-1");
            assertThat(new String(letter.payload(), StandardCharsets.UTF_8)).contains("hot");
        });
        assertThat(pubacks("bad-input")).isEqualTo(1);
        assertThat(pubacks("stored")).isZero();
    }

    @Test
    void aMessageNotStoredInTimeIsAnsweredSendItAgain() throws Exception {
        start(Duration.ofSeconds(1));

        IMqttToken ack = publish(TOPIC, "{\"metrics\":{\"temperature\":81.5}}", "m-slow");
        Held held = flow.next();

        assertThat(reasonCode(ack)).isEqualTo(0x80);
        assertThat(reasonString(ack)).contains("send it again");
        held.finish(); // finishing late changes nothing for the device; the store drops the repeat it will send
    }

    @Test
    void aPublishBeforeTheHubHasStartedWaitsForItAndIsAcknowledgedOnceStored() throws Exception {
        BrokerIntake intake = startBroker(Duration.ofSeconds(30));
        IMqttToken ack = publish(TOPIC, "{\"metrics\":{\"temperature\":81.5}}", "m-early");
        assertThat(ack.isComplete()).as("PUBACK before the hub could store it").isFalse();

        startFlow(intake);
        flow.next().finish();

        assertThat(reasonCode(ack)).isEqualTo(0);
    }

    @Test
    void aPublishWhileTheHubIsStoppingIsAnsweredSendItAgainAtOnce() throws Exception {
        start(Duration.ofSeconds(30));
        hub.close();

        IMqttToken ack = publish(TOPIC, "{\"metrics\":{\"temperature\":81.5}}", "m-late");

        assertThat(reasonCode(ack)).isEqualTo(0x80);
        assertThat(reasonString(ack)).contains("did not store this message", "send it again");
    }

    @Test
    void telemetryGoesToTheHubOnlyWhileOtherTopicsReachSubscribersAsUsual() throws Exception {
        start(Duration.ofSeconds(30));
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        var watcher = new MqttAsyncClient(broker.url(), "watcher", new MemoryPersistence());
        watcher.setCallback((MessageArrived) (topic, message) -> seen.add(topic));
        watcher.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
        watcher.subscribe("devices/#", 1).waitForCompletion(10_000);
        try {
            IMqttToken telemetry = publish(TOPIC, "{\"metrics\":{\"temperature\":81.5}}", "m-2");
            flow.next().finish();
            telemetry.waitForCompletion(DEADLINE.toMillis());
            // The broker takes one connection's publishes in order, so this one comes after the telemetry is settled.
            publish("devices/engine-7/status", "online", null).waitForCompletion(DEADLINE.toMillis());

            assertThat(seen.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isEqualTo("devices/engine-7/status");
            assertThat(seen).as("the telemetry was not passed on").isEmpty();
        } finally {
            watcher.disconnect().waitForCompletion(5_000);
        }
    }

    private IMqttToken publish(String topic, String payload, String messageId) throws Exception {
        var message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        var properties = new MqttProperties();
        properties.setContentType("application/json");
        if (messageId != null) {
            properties.setUserProperties(List.of(new UserProperty("messageId", messageId)));
        }
        message.setProperties(properties);
        return device.publish(topic, message);
    }

    private static int reasonCode(IMqttToken ack) {
        await().atMost(DEADLINE).until(ack::isComplete);
        return ack.getReasonCodes()[0];
    }

    private static String reasonString(IMqttToken ack) {
        await().atMost(DEADLINE).until(ack::isComplete);
        return ((MqttPubAck) ack.getResponse()).getProperties().getReasonString();
    }

    record Held(Exchange exchange, AsyncCallback callback) {
        void finish() {
            callback.done(false);
        }

        void fail(Exception e) {
            exchange.setException(e);
            callback.done(false);
        }
    }

    static final class HeldFlow extends AsyncProcessorSupport {
        private final BlockingQueue<Held> held = new LinkedBlockingQueue<>();

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            held.add(new Held(exchange, callback));
            return false;
        }

        Held next() throws InterruptedException {
            Held next = held.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(next).as("a message reached the flow").isNotNull();
            return next;
        }
    }
}
