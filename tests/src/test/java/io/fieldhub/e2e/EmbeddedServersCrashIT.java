package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.embedded.EmbeddedBroker;
import io.fieldhub.embedded.EmbeddedS3Server;
import io.fieldhub.embedded.Supervisor;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;

/**
 * Embedded servers that die while the hub runs: the hub starts each again by itself and says so in health, logs and
 * metrics. PostgreSQL is killed with SIGKILL under a device's QoS 1 stream, and every message it acknowledged is
 * stored exactly once. The S3 server and the broker run inside the hub's JVM, so their death is played by stopping
 * them behind the hub's back; afterwards readings are archived, and devices connect and are stored, again.
 */
class EmbeddedServersCrashIT {

    static final Duration DEADLINE = Duration.ofSeconds(90);
    static final int MESSAGES = 150;

    static RunningHub hub;
    static ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void start() {
        hub = RunningHub.dedicated("--hub.mqtt.store-timeout=5s");
        Logger supervisor = (Logger) LoggerFactory.getLogger(Supervisor.class);
        supervisor.setLevel(Level.INFO);
        supervisor.addAppender(log);
        log.start();
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(Supervisor.class)).detachAppender(log);
        hub.close();
    }

    @Test
    void aKilledPostgresIsRestartedAndEveryAcknowledgedMessageIsStoredOnce() throws Exception {
        String id = Device.uniqueId("pump");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        long pid;
        try (var device = new Device(hub, id)) {
            CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> sendAll(device, acknowledged));
            await().atMost(DEADLINE).until(() -> acknowledged.size() >= 20);

            pid = Long.parseLong(Files.readAllLines(hub.dataDir.resolve("postgres/postmaster.pid"))
                    .get(0)
                    .trim());
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();

            // read in the hub: while PostgreSQL is down, no HTTP request can sign in to see the details
            var health = hub.bean(HealthEndpoint.class);
            var down = (Health) await().atMost(DEADLINE)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> health.healthForPath("embeddedServers"), h -> h.getStatus() == Status.DOWN);
            assertThat(down.getDetails().get("PostgreSQL"))
                    .asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
                    .containsEntry("reason", "postmaster pid " + pid + " ended")
                    .hasEntrySatisfying("status", s -> assertThat(s).asString().startsWith("restarting, attempt "));
            await().atMost(DEADLINE)
                    .ignoreExceptions()
                    .until(() ->
                            "UP".equals(get("/actuator/health").path("status").asText()));
            assertThat(embeddedServers()
                            .path("details")
                            .path("PostgreSQL")
                            .path("restarts")
                            .asInt())
                    .isEqualTo(1);
            stream.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }

        assertThat(acknowledged).hasSize(MESSAGES);
        Map<Object, Long> stored = new Observed(hub)
                .rows(id).stream().collect(Collectors.groupingBy(r -> r.get("message_id"), Collectors.counting()));
        assertThat(stored)
                .hasSize(MESSAGES)
                .allSatisfy((messageId, copies) -> assertThat(copies).isOne());
        List<String> lines = log.list.stream()
                .map(e -> e.getLevel() + " " + e.getFormattedMessage())
                .toList();
        assertThat(lines)
                .anyMatch(l -> l.startsWith(
                        "WARN Embedded PostgreSQL stopped unexpectedly (postmaster pid " + pid + " ended)"))
                .anyMatch(l -> l.startsWith("INFO Embedded PostgreSQL restarted after "));
        assertThat(text("/actuator/prometheus"))
                .contains("fieldhub_embedded_restarts_total{server=\"PostgreSQL\"} 1.0");
    }

    private static void sendAll(Device device, Set<String> acknowledged) {
        for (int i = 0; i < MESSAGES; i++) {
            String messageId = device.id + "-" + i;
            device.sendUntilAcknowledged("{\"metrics\":{\"flow\":%d}}".formatted(i), messageId);
            acknowledged.add(messageId);
        }
    }

    @Test
    void aStoppedS3ServerIsRestartedAndTheArchiveResumes() throws Exception {
        var s3 = hub.bean(EmbeddedS3Server.class);
        ((org.gaul.s3proxy.S3Proxy) field(s3, "s3Proxy")).stop();

        assertRestarted("S3");
        String id = Device.uniqueId("meter");
        try (var device = new Device(hub, id)) {
            assertThat(device.publishJson("{\"metrics\":{\"flow\":4.2}}", null)).containsExactly(0);
        }
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(new Observed(hub).archived(id)).hasSize(1));
    }

    @Test
    void aStoppedBrokerIsRestartedAndDevicesAreServedAgain() throws Exception {
        String before = Device.uniqueId("engine");
        try (var device = new Device(hub, before)) {
            assertThat(device.publishJson("{\"metrics\":{\"temperature\":70}}", null))
                    .containsExactly(0);
        }
        var broker = hub.bean(EmbeddedBroker.class);
        ((com.hivemq.embedded.EmbeddedHiveMQ) field(broker, "hiveMq")).stop().join();

        assertRestarted("MQTT broker");
        // a device must still prove who it is: the extension runs again in the new broker
        String after = Device.uniqueId("engine");
        await().atMost(DEADLINE).ignoreExceptions().untilAsserted(() -> {
            try (var device = new Device(hub, after)) {
                assertThat(device.publishJson("{\"metrics\":{\"temperature\":71}}", null))
                        .containsExactly(0);
            }
        });
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(new Observed(hub).rows(after)).hasSize(1));
        assertThat(new Observed(hub).rows(before)).hasSize(1);
        String stranger = Device.uniqueId("engine");
        var wrongSecret = TestFleet.options(stranger);
        wrongSecret.setPassword("not-its-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var client = new org.eclipse.paho.mqttv5.client.MqttClient(
                hub.mqttUrl(), stranger, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        try {
            assertThatThrownBy(() -> client.connect(wrongSecret))
                    .as("a wrong secret is still refused")
                    .isInstanceOf(MqttException.class);
        } finally {
            client.close();
        }
    }

    /** Health goes DOWN for the server, then UP with one more restart; the log and the metric say so. */
    private static void assertRestarted(String server) throws Exception {
        var health = hub.bean(HealthEndpoint.class);
        var down = (Health) await().atMost(DEADLINE)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> health.healthForPath("embeddedServers"), h -> h.getStatus() == Status.DOWN);
        assertThat(down.getDetails().get(server))
                .asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
                .hasEntrySatisfying("status", s -> assertThat(s).asString().startsWith("restarting, attempt "));
        await().atMost(DEADLINE)
                .until(() -> health.healthForPath("embeddedServers").getStatus() == Status.UP);
        assertThat(embeddedServers()
                        .path("details")
                        .path(server)
                        .path("restarts")
                        .asInt())
                .isEqualTo(1);
        assertThat(log.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()))
                .anyMatch(l -> l.startsWith("WARN Embedded " + server + " stopped unexpectedly ("))
                .anyMatch(l -> l.startsWith("INFO Embedded " + server + " restarted after "));
        assertThat(text("/actuator/prometheus"))
                .contains("fieldhub_embedded_restarts_total{server=\"" + server + "\"} 1.0");
    }

    /** The server object inside the hub's wrapper, to stop it without telling the wrapper. */
    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        var field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }

    private static JsonNode embeddedServers() throws Exception {
        return get("/actuator/health/embeddedServers");
    }

    private static JsonNode get(String path) throws Exception {
        return new ObjectMapper().readTree(text(path));
    }

    private static String text(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(hub.api(path).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
