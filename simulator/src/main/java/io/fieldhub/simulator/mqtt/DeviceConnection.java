package io.fieldhub.simulator.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.fieldhub.simulator.pacing.InflightLimit;
import io.fieldhub.simulator.pacing.Outbox;
import io.fieldhub.simulator.payload.PayloadEncoder;
import io.fieldhub.simulator.payload.Reading;
import io.fieldhub.simulator.payload.ReadingGenerator;
import io.fieldhub.simulator.stats.RunStats;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One MQTT 5 connection (clean start, no session) that publishes for several devices in turn, each to its own
 * topic. {@link #sendNext()} runs on the sender thread that ticks this connection; acknowledgements arrive on the
 * client's threads. The client's "async" publish blocks its caller while about 64 publishes of the connection await
 * their acknowledgement (hivemq-mqtt-client#801), and a blocked sender thread would hold up every connection it
 * ticks: so the connection reports itself not {@link #ready()} well before that.
 */
public final class DeviceConnection implements Outbox {

    /** Publishes of one connection awaiting their acknowledgement, kept below where the client's publish blocks. */
    static final int WINDOW = 32;

    private final Mqtt5AsyncClient client;
    private final List<Device> devices;
    private final ReadingGenerator readings;
    private final TelemetryMessages messages;
    private final RunStats stats;
    private final InflightLimit inflight;
    private final AtomicInteger unacked = new AtomicInteger();
    private int next;

    /** {@code password}: the device's secret, sent with the client id as username; null for none. */
    public DeviceConnection(
            BrokerAddress broker,
            String clientId,
            String password,
            List<Device> devices,
            ReadingGenerator readings,
            Shared shared) {
        Mqtt5ClientBuilder builder = MqttClient.builder()
                .useMqttVersion5()
                .identifier(clientId)
                .serverHost(broker.host())
                .serverPort(broker.port())
                .addDisconnectedListener(context -> {
                    // Our own disconnect at the end is USER; a refused connect surfaces through connect().
                    if (context.getSource() != MqttDisconnectSource.USER) {
                        shared.onLost().accept(context.getCause());
                    }
                });
        if (password != null) {
            builder = builder.simpleAuth()
                    .username(clientId)
                    .password(password.getBytes(StandardCharsets.UTF_8))
                    .applySimpleAuth();
        }
        this.client = (broker.tls() ? builder.sslWithDefaultConfig() : builder).buildAsync();
        this.devices = List.copyOf(devices);
        this.readings = readings;
        this.messages = new TelemetryMessages(shared.runId(), shared.qos(), shared.encoder());
        this.stats = shared.stats();
        this.inflight = shared.inflight();
    }

    /**
     * What every connection of a run shares.
     *
     * @param onLost told when a connection breaks (broker stopped, network gone); the simulator does not reconnect
     */
    public record Shared(
            String runId,
            MqttQos qos,
            PayloadEncoder encoder,
            RunStats stats,
            InflightLimit inflight,
            Consumer<Throwable> onLost) {}

    public CompletableFuture<?> connect() {
        return client.connectWith().cleanStart(true).sessionExpiryInterval(0).send();
    }

    @Override
    public boolean ready() {
        return unacked.get() < WINDOW;
    }

    @Override
    public void sendNext() {
        Device device = devices.get(next);
        next = (next + 1) % devices.size();
        long seq = device.nextSeq();
        // The send time is the device time the hub stores, so stored ts to receivedAt is the end-to-end latency.
        Reading reading = readings.next(System.currentTimeMillis());
        Mqtt5Publish publish = messages.publish(device, seq, reading);
        stats.sent(reading.hot());
        long sentNanos = System.nanoTime();
        unacked.incrementAndGet();
        try {
            client.publish(publish).whenComplete((result, failure) -> settle(sentNanos, result, failure));
        } catch (RuntimeException e) {
            settle(sentNanos, null, e);
        }
    }

    private void settle(long sentNanos, Mqtt5PublishResult result, Throwable failure) {
        String error = PublishOutcome.error(result, failure);
        if (error == null) {
            stats.acked(System.nanoTime() - sentNanos);
        } else {
            stats.failed(error);
        }
        unacked.decrementAndGet();
        // Last, so that whoever waits for an idle window finds the outcome already counted.
        inflight.release();
    }

    public CompletableFuture<Void> disconnect() {
        return client.disconnect();
    }
}
