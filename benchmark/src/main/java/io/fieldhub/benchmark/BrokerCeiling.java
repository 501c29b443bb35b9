package io.fieldhub.benchmark;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.fieldhub.embedded.EmbeddedBroker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * subscriber that only counts. First as fast as it goes (the ceiling the hub is judged against), then at the
 * ramp's rates, for the latency the broker and the simulator alone cost on this machine at each rate: the floor
 * under the hub's own figures.
 */
final class BrokerCeiling {

    /**
     * @param paced the broker alone at each of the ramp's rates, up to the first it could not keep up with
     */
    record Result(long sent, long received, double publishRate, double deliveredRate, List<Paced> paced) {
    }

    /**
     * One rate, broker alone. {@code deliveredRate}: what reached the subscriber while the simulator sent;
     * {@code pubackMs}: publish to PUBACK (p50, p95, p99) as the simulator saw it; {@code deliveredMs}: device send
     * time ({@code ts}) to the counting subscriber's receipt. Kept up: both rates at least 95 % of the offered.
     */
    record Paced(int offered, double ackedRate, double deliveredRate, double[] pubackMs, double[] deliveredMs,
                 boolean keptUp) {
    }

    static Result measure(SimulatorRun simulator, Path dir, int port, int devices, int connections, long count,
                          List<Integer> rates, int seconds) throws Exception {
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
            try {
                JsonNode summary = simulator.run("ceiling", "--url", broker.url(), "--devices", "" + devices,
                        "--connections", "" + connections, "--rate", "0", "--count", "" + count);
                long acked = summary.path("acked").asLong();
                counter.awaitCount(acked);
                double floodSeconds = (counter.last.get() - counter.first.get()) / 1e9;
                double delivered = counter.received.get() / Math.max(floodSeconds, 1e-3);
                List<Paced> paced = new ArrayList<>();
                for (int rate : rates) {
                    Paced step = paced(simulator, broker, counter, rate, seconds, devices, connections);
                    paced.add(step);
                    System.out.printf("    broker alone at %d msg/s: acked %.0f/s, PUBACK p50/p99 %.0f / %.0f ms, "
                                    + "to subscriber p50/p99 %.0f / %.0f ms%s%n", rate, step.ackedRate(),
                            step.pubackMs()[0], step.pubackMs()[2], step.deliveredMs()[0], step.deliveredMs()[2],
                            step.keptUp() ? "" : ", FELL BEHIND");
                    if (!step.keptUp()) {
                        break;
                    }
                }
                return new Result(summary.path("sent").asLong(), counter.received.get(),
                        summary.path("ackedRate").asDouble(), delivered, paced);
            } finally {
                subscriber.disconnect();
                subscriber.close();
            }
        }
    }

    private static Paced paced(SimulatorRun simulator, EmbeddedBroker broker, Counter counter, int rate, int seconds,
                               int devices, int connections) throws Exception {
        counter.startTiming((int) Math.min(Integer.MAX_VALUE - 8, (long) rate * seconds * 2));
        long before = counter.received.get();
        JsonNode summary = simulator.run("ceiling-r" + rate, "--url", broker.url(), "--devices", "" + devices,
                "--connections", "" + connections, "--rate", "" + rate, "--duration", seconds + "s",
                "--max-inflight", "" + connections * RampStep.BROKER_RECEIVE_MAXIMUM);
        // what reached the subscriber while the simulator sent: a subscriber falling behind is a backlog growing
        double deliveredRate = (counter.received.get() - before) / summary.path("elapsedSeconds").asDouble(1);
        counter.awaitCount(before + summary.path("acked").asLong());
        JsonNode latency = summary.path("latencyMs");
        double ackedRate = summary.path("ackedRate").asDouble();
        boolean keptUp = ackedRate >= RampStep.KEPT_UP * rate && deliveredRate >= RampStep.KEPT_UP * rate;
        return new Paced(rate, ackedRate, deliveredRate, new double[] {latency.path("p50").asDouble(),
                latency.path("p95").asDouble(), latency.path("p99").asDouble()}, counter.stopTiming(), keptUp);
    }

    /** Counts what the broker delivers and, while timing, how long after its send time each arrived. */
    private static final class Counter implements MqttCallback {
        private static final JsonFactory JSON = new JsonFactory();

        final AtomicLong received = new AtomicLong();
        final AtomicLong first = new AtomicLong();
        final AtomicLong last = new AtomicLong();
        /** Written only by Paho's one callback thread; read after the run. */
        private volatile long[] delays;
        private int timed;

        void awaitCount(long count) {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (received.get() < count && System.nanoTime() < deadline) {
                LockSupport.parkNanos(50_000_000L);
            }
        }

        void startTiming(int capacity) {
            timed = 0;
            delays = new long[capacity];
        }

        /** p50, p95 and p99 of the delays recorded since {@link #startTiming}, in milliseconds. */
        double[] stopTiming() {
            long[] recorded = Arrays.copyOf(delays, timed);
            delays = null;
            Arrays.sort(recorded);
            double[] percentiles = new double[3];
            double[] at = {0.50, 0.95, 0.99};
            for (int i = 0; i < at.length && recorded.length > 0; i++) {
                percentiles[i] = recorded[(int) Math.min(recorded.length - 1, Math.ceil(at[i] * recorded.length) - 1)];
            }
            return percentiles;
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            long now = System.nanoTime();
            if (received.getAndIncrement() == 0) {
                first.set(now);
            }
            last.set(now);
            long[] timing = delays;
            if (timing != null && timed < timing.length) {
                long ts = sendTime(message.getPayload());
                if (ts > 0) {
                    timing[timed++] = System.currentTimeMillis() - ts;
                }
            }
        }

        /** The send time ({@code "ts"}, epoch milliseconds) of the simulator's JSON reading; 0 when it has none. */
        private static long sendTime(byte[] payload) {
            try (JsonParser json = JSON.createParser(payload)) {
                if (json.nextToken() != JsonToken.START_OBJECT) {
                    return 0;
                }
                for (String field = json.nextFieldName(); field != null; field = json.nextFieldName()) {
                    if (field.equals("ts") && json.nextToken() == JsonToken.VALUE_NUMBER_INT) {
                        return json.getLongValue();
                    }
                    json.nextToken();
                    json.skipChildren();
                }
                return 0;
            } catch (IOException e) {
                return 0;
            }
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
