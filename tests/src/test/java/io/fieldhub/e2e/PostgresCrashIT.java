package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;

/**
 * The embedded PostgreSQL killed with SIGKILL under a device's QoS 1 stream: the hub starts it again by itself, says
 * so in health, logs and metrics, and every message it acknowledged is stored exactly once.
 */
class PostgresCrashIT {

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

    /**
     * Sends each message until the hub acknowledges it with 0x00, as a device does: one that gets 0x80 ("send it
     * again") or no answer in time goes again with the same messageId.
     */
    private static void sendAll(Device device, Set<String> acknowledged) {
        for (int i = 0; i < MESSAGES; i++) {
            String messageId = device.id + "-" + i;
            while (!acknowledged.contains(messageId)) {
                try {
                    IMqttToken token = device.send("{\"metrics\":{\"flow\":%d}}".formatted(i), messageId);
                    token.waitForCompletion(15_000);
                    if (token.getReasonCodes()[0] == 0) {
                        acknowledged.add(messageId);
                    }
                } catch (MqttException timedOut) {
                    // no PUBACK in time: send it again
                }
            }
        }
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
