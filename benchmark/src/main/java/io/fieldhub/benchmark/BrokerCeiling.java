package io.fieldhub.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldhub.embedded.EmbeddedBroker;
import java.nio.file.Path;
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
 * Phase 1: the simulator against the hub's own broker (same build, same persistent session settings) with a plain
 * subscriber that only counts. What the hub reaches is judged against this.
 */
final class BrokerCeiling {

    record Result(long sent, long received, double publishRate, double deliveredRate) {
    }

    static Result measure(SimulatorRun simulator, Path dir, int port, int devices, int connections, long count)
            throws Exception {
        try (var broker = new EmbeddedBroker(dir.resolve("ceiling-broker"), "127.0.0.1", port, true)) {
            broker.start();
            var counter = new Counter();
            var subscriber = new MqttClient(broker.url(), "ceiling-counter", new MemoryPersistence());
            var options = new MqttConnectionOptions();
            options.setCleanStart(false);
            options.setSessionExpiryInterval(3600L);
            subscriber.setCallback(counter);
            subscriber.connect(options);
            subscriber.subscribe("devices/+/telemetry", 1);
            JsonNode summary = simulator.run("ceiling", "--url", broker.url(), "--devices", "" + devices,
                    "--connections", "" + connections, "--rate", "0", "--count", "" + count);
            long acked = summary.path("acked").asLong();
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (counter.received.get() < acked && System.nanoTime() < deadline) {
                LockSupport.parkNanos(50_000_000L);
            }
            subscriber.disconnect();
            subscriber.close();
            double seconds = (counter.last.get() - counter.first.get()) / 1e9;
            return new Result(summary.path("sent").asLong(), counter.received.get(),
                    summary.path("ackedRate").asDouble(), counter.received.get() / Math.max(seconds, 1e-3));
        }
    }

    private static final class Counter implements MqttCallback {
        final AtomicLong received = new AtomicLong();
        final AtomicLong first = new AtomicLong();
        final AtomicLong last = new AtomicLong();

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            long now = System.nanoTime();
            if (received.getAndIncrement() == 0) {
                first.set(now);
            }
            last.set(now);
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
