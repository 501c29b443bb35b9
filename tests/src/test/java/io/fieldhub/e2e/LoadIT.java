package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;

/**
 * A burst far faster than the hub stores it: every acknowledged message ends up in PostgreSQL and in the archive,
 * exactly once. Asserts counts only; speed is the benchmark's business (bench/).
 */
class LoadIT {

    static final int DEVICES = 40;
    static final int PER_DEVICE = 500;

    final RunningHub hub = RunningHub.shared();

    @Test
    void twentyThousandMessagesAreAllStoredAndArchivedOnce() throws Exception {
        String run = Device.uniqueId("load");
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<MqttAsyncClient> clients = new ArrayList<>();
        // the broker lets each connection have 10 publishes awaiting their PUBACK (its receive maximum)
        List<Semaphore> inFlight = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            inFlight.add(new Semaphore(10));
            var client = new MqttAsyncClient(hub.mqttUrl(), run + "-c" + c, new MemoryPersistence());
            var options = new MqttConnectionOptions();
            options.setReceiveMaximum(65_535);
            client.connect(options).waitForCompletion(10_000);
            clients.add(client);
        }
        class Acks implements MqttActionListener {
            final Semaphore window;

            Acks(Semaphore window) {
                this.window = window;
            }

            @Override
            public void onSuccess(IMqttToken token) {
                (token.getReasonCodes()[0] == 0 ? acked : failed).incrementAndGet();
                window.release();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable e) {
                failed.incrementAndGet();
                window.release();
            }
        }
        for (int seq = 0; seq < PER_DEVICE; seq++) {
            for (int d = 0; d < DEVICES; d++) {
                String device = run + "-" + d;
                var message = new MqttMessage(("{\"metrics\":{\"temperature\":" + (60 + seq % 30) + "}}")
                        .getBytes(StandardCharsets.UTF_8));
                message.setQos(1);
                var properties = new MqttProperties();
                properties.setUserProperties(List.of(new UserProperty("messageId", device + "-" + seq)));
                message.setProperties(properties);
                int c = d % clients.size();
                inFlight.get(c).acquire();
                clients.get(c).publish("devices/" + device + "/telemetry", message, null, new Acks(inFlight.get(c)));
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> acked.get() + failed.get() == DEVICES * PER_DEVICE);
        for (var client : clients) {
            client.disconnect().waitForCompletion(5_000);
            client.close();
        }
        assertThat(failed).hasValue(0);

        String like = run + "-%";
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(count(
                "select count(*) from telemetry where device_id like ?", like)).isEqualTo(DEVICES * PER_DEVICE));
        assertThat(count("select count(distinct message_id) from telemetry where device_id like ?", like))
                .isEqualTo(DEVICES * PER_DEVICE);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(count(
                "select count(*) from telemetry t join archive_watermark w on w.stream = 'telemetry' "
                        + "where t.device_id like ? and t.id > w.last_id", like)).isZero());
        long archived = new Observed(hub).archivedCount(run + "-");
        assertThat(archived).isEqualTo(DEVICES * PER_DEVICE);
    }

    private long count(String sql, String like) {
        return hub.jdbc().queryForObject(sql, Long.class, like);
    }
}
