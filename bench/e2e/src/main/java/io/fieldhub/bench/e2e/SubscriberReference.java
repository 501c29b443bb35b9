package io.fieldhub.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldhub.embedded.EmbeddedBroker;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A second reference line, "broker alone, subscriber": the simulator floods the embedded broker without the intake
 * (a plain broker, HiveMQ's default executors) and a persistent-session subscriber only counts what it is
 * delivered. This is the path of {@code hub.mqtt.intake=subscription}, minus the hub.
 */
final class SubscriberReference {

    /** {@code publishRate}: acknowledged to the simulator; {@code deliveredRate}: received by the subscriber. */
    record Result(long sent, long received, double publishRate, double deliveredRate) {}

    static Result measure(SimulatorRun simulator, Path dir, int port, long count) throws Exception {
        try (var broker = new EmbeddedBroker(dir.resolve("subscriber-broker"), "127.0.0.1", port, true)) {
            broker.start();
            var counter = new Counter();
            var subscriber = new MqttClient(broker.url(), "reference-counter", new MemoryPersistence());
            var options = new MqttConnectionOptions();
            options.setCleanStart(false);
            options.setSessionExpiryInterval(3600L);
            subscriber.setCallback(counter);
            subscriber.connect(options);
            subscriber.subscribe("devices/+/telemetry", 1);
            try {
                JsonNode summary = simulator.run("reference", broker.url(), "--rate", "0", "--count", "" + count);
                counter.awaitCount(summary.path("acked").asLong());
                double seconds = (counter.last.get() - counter.first.get()) / 1e9;
                return new Result(
                        summary.path("sent").asLong(),
                        counter.received.get(),
                        summary.path("ackedRate").asDouble(),
                        counter.received.get() / Math.max(seconds, 1e-3));
            } finally {
                subscriber.disconnect();
                subscriber.close();
            }
        }
    }

    /** Counts what the broker delivers, and when the first and the last arrived. */
    private static final class Counter implements MqttCallback {
        final AtomicLong received = new AtomicLong();
        final AtomicLong first = new AtomicLong();
        final AtomicLong last = new AtomicLong();

        void awaitCount(long count) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (received.get() < count && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            long now = System.nanoTime();
            if (received.getAndIncrement() == 0) {
                first.set(now);
            }
            last.set(now);
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {}

        @Override
        public void mqttErrorOccurred(MqttException exception) {}

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}
