package io.fieldhub.simulator.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.fieldhub.simulator.pacing.InflightLimit;
import io.fieldhub.simulator.pacing.Outbox;
import io.fieldhub.simulator.payload.PayloadEncoder;
import io.fieldhub.simulator.payload.Reading;
import io.fieldhub.simulator.payload.ReadingGenerator;
import io.fieldhub.simulator.stats.AckedLog;
import io.fieldhub.simulator.stats.RunStats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One MQTT 5 connection that publishes for several devices in turn, each to its own topic (or, as a gateway, a batch
 * of their readings per message on the gateway's topic), and behaves as a QoS 1
 * device with a session: when the connection drops, the client reconnects with exponential backoff and its session
 * sends the unacknowledged publishes again (DUP set, same messageId); should the broker have lost the session, the
 * simulator sends them again itself. {@link #sendNext()} runs on the sender thread that ticks this connection;
 * acknowledgements arrive on the client's threads. The client's "async" publish blocks its caller while about 64
 * publishes of the connection await their acknowledgement (hivemq-mqtt-client#801), and a blocked sender thread
 * would hold up every connection it ticks: so the connection reports itself not {@link #ready()} well before that.
 */
public final class DeviceConnection implements Outbox {

    /** Publishes of one connection awaiting their acknowledgement, kept below where the client's publish blocks. */
    static final int WINDOW = 32;

    /** The broker keeps the session this long while the device is away; the run's own disconnect ends it. */
    static final long SESSION_EXPIRY_SECONDS = TimeUnit.HOURS.toSeconds(1);

    private static final Duration RECONNECT_FIRST_DELAY = Duration.ofMillis(200);
    private static final Duration RECONNECT_MAX_DELAY = Duration.ofSeconds(10);
    /** A PUBACK that asks for the message again goes out after this pause, not in a tight loop. */
    private static final Duration RESEND_DELAY = Duration.ofMillis(500);

    private final Mqtt5AsyncClient client;
    private final List<Device> devices;
    private final ReadingGenerator readings;
    private final TelemetryMessages messages;
    private final Shared shared;
    private final Set<Outstanding> outstanding = ConcurrentHashMap.newKeySet();
    private final AtomicInteger unacked = new AtomicInteger();
    /** Publishes the client still holds, given-up ones included: the client's queue blocks on these, not on ours. */
    private final AtomicInteger inClient = new AtomicInteger();

    private final String clientId;
    private final int batch;
    private long batches;

    private volatile boolean connectedOnce;
    private volatile boolean closing;
    private int next;

    /**
     * {@code password}: the device's secret, sent with the client id as username; null for none. {@code batch}: 0
     * publishes each reading on its device's topic; more makes the connection the gateway {@code clientId}, which
     * publishes that many readings of its devices per message on {@code gateways/{clientId}/telemetry}.
     */
    public DeviceConnection(
            BrokerAddress broker,
            String clientId,
            String password,
            List<Device> devices,
            ReadingGenerator readings,
            Shared shared,
            int batch) {
        Mqtt5ClientBuilder builder = MqttClient.builder()
                .useMqttVersion5()
                .identifier(clientId)
                .serverHost(broker.host())
                .serverPort(broker.port())
                .automaticReconnect()
                .initialDelay(RECONNECT_FIRST_DELAY.toMillis(), TimeUnit.MILLISECONDS)
                .maxDelay(RECONNECT_MAX_DELAY.toMillis(), TimeUnit.MILLISECONDS)
                .applyAutomaticReconnect()
                .addConnectedListener(context -> connected())
                .addDisconnectedListener(context -> {
                    if (!connectedOnce || closing) {
                        // A first connect that fails is reported by connect(): the run does not start. A run that
                        // ended while its broker was away stops trying.
                        context.getReconnector().reconnect(false);
                    } else if (context.getSource() != MqttDisconnectSource.USER) {
                        outstanding.forEach(Outstanding::interrupt);
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
        this.shared = shared;
        this.clientId = clientId;
        this.batch = batch;
    }

    /**
     * What every connection of a run shares.
     *
     * @param resends  where messages are sent again after a PUBACK that asked for it or a lost session
     * @param ackedLog where each message acknowledged with 0x00 is written down
     */
    public record Shared(
            String runId,
            MqttQos qos,
            PayloadEncoder encoder,
            RunStats stats,
            InflightLimit inflight,
            ScheduledExecutorService resends,
            AckedLog ackedLog) {}

    public CompletableFuture<?> connect() {
        return client.connectWith()
                .cleanStart(false)
                .sessionExpiryInterval(SESSION_EXPIRY_SECONDS)
                .send();
    }

    private void connected() {
        if (closing) {
            client.disconnectWith().sessionExpiryInterval(0).send();
            return;
        }
        if (!connectedOnce) {
            connectedOnce = true;
            return;
        }
        shared.stats().reconnected();
        // The resumed session sends these again; if the broker lost it, they fail and outcome() sends them again.
        outstanding.forEach(message -> {
            if (message.resentAfterInterruption()) {
                shared.stats().resent();
            }
        });
    }

    @Override
    public boolean ready() {
        return unacked.get() < WINDOW && inClient.get() < WINDOW;
    }

    @Override
    public void sendNext() {
        if (batch > 0) {
            sendBatch();
            return;
        }
        Device device = devices.get(next);
        next = (next + 1) % devices.size();
        long seq = device.nextSeq();
        // The send time is the device time the hub stores, so stored ts to receivedAt is the end-to-end latency.
        Reading reading = readings.next(System.currentTimeMillis());
        send(
                new Outstanding(
                        device.id(),
                        messages.messageId(device, seq),
                        messages.publish(device, seq, reading),
                        System.nanoTime()),
                reading.hot());
    }

    /** A gateway's message: the next {@code batch} readings of its devices, in turn. */
    private void sendBatch() {
        List<TelemetryMessages.Item> items = new ArrayList<>(batch);
        long now = System.currentTimeMillis();
        for (int i = 0; i < batch; i++) {
            Device device = devices.get(next);
            next = (next + 1) % devices.size();
            items.add(new TelemetryMessages.Item(device, device.nextSeq(), readings.next(now)));
        }
        send(
                messages.gatewayMessage(clientId, ++batches, items, System.nanoTime()),
                items.stream().anyMatch(item -> item.reading().hot()));
    }

    private void send(Outstanding message, boolean hot) {
        shared.stats().sent(hot);
        unacked.incrementAndGet();
        outstanding.add(message);
        publish(message);
    }

    private void publish(Outstanding message) {
        inClient.incrementAndGet();
        try {
            client.publish(message.publish()).whenComplete((result, failure) -> {
                inClient.decrementAndGet();
                outcome(message, result, failure);
            });
        } catch (RuntimeException e) {
            inClient.decrementAndGet();
            outcome(message, null, e);
        }
    }

    private void outcome(Outstanding message, Mqtt5PublishResult result, Throwable failure) {
        if (message.settled()) {
            return;
        }
        String error = PublishOutcome.error(result, failure);
        if (error == null) {
            settle(message, () -> {
                shared.stats().acked(System.nanoTime() - message.firstSentNanos());
                if (PublishOutcome.success(result, failure)) {
                    message.readings().forEach(r -> shared.ackedLog().acked(r.getKey(), r.getValue()));
                }
            });
        } else if (PublishOutcome.sendAgain(result, failure)) {
            boolean sessionEnded = PublishOutcome.sessionEnded(result, failure);
            if (!sessionEnded || message.resentAfterSessionEnd()) {
                shared.stats().resent();
            }
            shared.resends()
                    .schedule(
                            () -> {
                                if (!message.settled()) {
                                    publish(message);
                                }
                            },
                            sessionEnded ? 0 : RESEND_DELAY.toMillis(),
                            TimeUnit.MILLISECONDS);
        } else {
            settle(message, () -> shared.stats().failed(error));
        }
    }

    /** Gives up every message first sent before {@code cutoffNanos} and still unacknowledged. */
    public void giveUpSentBefore(long cutoffNanos) {
        for (Outstanding message : outstanding) {
            if (message.firstSentNanos() - cutoffNanos < 0) {
                settle(message, () -> shared.stats().givenUp());
            }
        }
    }

    private void settle(Outstanding message, Runnable count) {
        if (!message.settle()) {
            return;
        }
        count.run();
        outstanding.remove(message);
        unacked.decrementAndGet();
        // Last, so that whoever waits for an idle window finds the outcome already counted.
        shared.inflight().release();
    }

    /**
     * Ends the session at the broker too: a finished run leaves nothing behind. A connection waiting to reconnect
     * has nothing to disconnect (the future fails); its next attempt is its last.
     */
    public CompletableFuture<Void> disconnect() {
        closing = true;
        return client.disconnectWith().sessionExpiryInterval(0).send();
    }
}
