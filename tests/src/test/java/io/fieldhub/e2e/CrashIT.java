package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The hub killed with SIGKILL in the middle of a burst, then started again on the same data directory: every
 * message the broker acknowledged to a device is stored, once, and archived.
 */
class CrashIT {

    @TempDir
    Path dataDir;
    final int mqttPort = freePort();
    final int httpPort = freePort();
    final int postgresPort = freePort();
    final int s3Port = freePort();
    Process hub;

    @AfterEach
    void stopHub() throws InterruptedException {
        if (hub != null) {
            hub.destroy();
            hub.waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyAcknowledgedMessageSurvivesAKillNine() throws Exception {
        hub = startHub("first");
        Set<String> acked = ConcurrentHashMap.newKeySet();
        List<MqttAsyncClient> clients = new ArrayList<>();
        List<Semaphore> windows = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            var client = new MqttAsyncClient("tcp://localhost:" + mqttPort, "crash-" + c, new MemoryPersistence());
            client.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
            clients.add(client);
            windows.add(new Semaphore(10));
        }
        boolean killed = false;
        for (int seq = 0; seq < 20_000 && clients.get(0).isConnected(); seq++) {
            if (!killed && acked.size() >= 3_000) {
                hub.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no flush
                killed = true;
            }
            int c = seq % clients.size();
            if (!windows.get(c).tryAcquire(5, TimeUnit.SECONDS)) {
                break;
            }
            String id = "crash-" + seq;
            var message = new MqttMessage(("{\"metrics\":{\"temperature\":" + (60 + seq % 40) + "}}")
                    .getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            var properties = new MqttProperties();
            properties.setUserProperties(List.of(new UserProperty("messageId", id)));
            message.setProperties(properties);
            Semaphore window = windows.get(c);
            try {
                clients.get(c).publish("devices/crash-" + seq % 50 + "/telemetry", message, null,
                        new MqttActionListener() {
                            @Override
                            public void onSuccess(IMqttToken token) {
                                if (token.getReasonCodes()[0] == 0) {
                                    acked.add(id);
                                }
                                window.release();
                            }

                            @Override
                            public void onFailure(IMqttToken token, Throwable e) {
                                window.release();
                            }
                        });
            } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
                break; // the broker died with the hub
            }
        }
        assertThat(killed).as("the hub was killed mid-burst").isTrue();
        Set<String> acknowledged = new HashSet<>(acked);
        assertThat(acknowledged.size()).isGreaterThanOrEqualTo(3_000);
        clients.forEach(client -> {
            try {
                client.close(true);
            } catch (Exception e) {
                // already disconnected by the kill
            }
        });

        hub = startHub("second");
        var jdbc = new JdbcTemplate(new DriverManagerDataSource(
                "jdbc:postgresql://localhost:" + postgresPort + "/postgres", "postgres", "postgres"));
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(new HashSet<>(jdbc.queryForList(
                "select message_id from telemetry where message_id like 'crash-%'", String.class)))
                .containsAll(acknowledged));
        assertThat(jdbc.queryForObject("select count(*) - count(distinct message_id) from telemetry", Long.class))
                .isZero();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(jdbc.queryForObject(
                "select count(*) from telemetry t, archive_watermark w where w.stream = 'telemetry' and t.id > w.last_id",
                Long.class)).isZero());
    }

    private Process startHub(String name) throws IOException {
        Path log = dataDir.resolve("hub-" + name + ".log");
        var process = new ProcessBuilder("java", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "io.fieldhub.FieldHubApplication", "--hub.data-dir=" + dataDir.resolve("data"),
                "--hub.mqtt.port=" + mqttPort, "--hub.database.port=" + postgresPort, "--hub.s3.port=" + s3Port,
                "--server.port=" + httpPort, "--hub.archive.max-age=1s", "--hub.archive.check-interval=200",
                "--logging.level.root=WARN")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        var http = HttpClient.newHttpClient();
        await("the hub is healthy; see " + log).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    assertThat(process.isAlive()).as("hub process alive; see " + Files.readString(log)).isTrue();
                    try {
                        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort
                                + "/actuator/health")).build(), HttpResponse.BodyHandlers.ofString()).body()
                                .contains("\"status\":\"UP\"");
                    } catch (IOException e) {
                        return false;
                    }
                });
        return process;
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
