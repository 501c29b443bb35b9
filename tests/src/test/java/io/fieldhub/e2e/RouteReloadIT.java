package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * An integrator saves a changed ingest route while devices publish: the hub applies it without a restart, every
 * message a device was told was stored is stored once, and a device that was told "send it again" in the moment of
 * the swap got its message stored on the next try. A broken save changes nothing and says where it is broken.
 */
class RouteReloadIT {

    static final Duration DEADLINE = Duration.ofSeconds(90);
    static final int DEVICES = 8;

    static Path home;
    static RunningHub hub;

    @BeforeAll
    static void start() throws IOException {
        // a hub home of its own: the test edits its routes/, never the repository's
        home = Files.createTempDirectory("fieldhub-routes-");
        FileSystemUtils.copyRecursively(Path.of("routes"), home.resolve("routes"));
        FileSystemUtils.copyRecursively(Path.of("rules"), home.resolve("rules"));
        hub = RunningHub.dedicated(
                "--hub.home=" + home,
                "--logging.level.io.fieldhub.routefiles=INFO",
                "--logging.level.org.apache.camel.impl.engine=INFO");
    }

    @AfterAll
    static void stop() throws IOException {
        hub.close();
        FileSystemUtils.deleteRecursively(home);
    }

    @Test
    void anIngestRouteChangedUnderLoadLosesNothing() throws Exception {
        Path file = home.resolve("routes/ingest-broker.camel.yaml");
        String changed = Files.readString(file)
                .replace(
                        "        - bean: {ref: ingest, method: broker}",
                        "        - setProperty: {name: routeEdition, constant: \"2\"}\n"
                                + "        - bean: {ref: ingest, method: broker}");
        assertThat(changed).as("the edit applies to the shipped route").contains("routeEdition");

        String run = Device.uniqueId("engine");
        AtomicBoolean keepSending = new AtomicBoolean(true);
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger sentAgain = new AtomicInteger();
        List<CompletableFuture<List<String>>> devices = new ArrayList<>();
        for (int d = 0; d < DEVICES; d++) {
            String id = run + "-" + d;
            devices.add(CompletableFuture.supplyAsync(() -> stream(id, keepSending, acknowledged, sentAgain)));
        }
        await().atMost(DEADLINE).until(() -> acknowledged.get() >= 200);

        long saved = System.nanoTime();
        Files.writeString(file, changed);
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(routes().path("files")
                                .path("ingest-broker.camel.yaml")
                                .path("sha256")
                                .asText())
                        .isEqualTo(sha256(changed)));
        int atSwap = acknowledged.get();
        long swapMillis = (System.nanoTime() - saved) / 1_000_000;
        await().atMost(DEADLINE).until(() -> acknowledged.get() >= atSwap + 200);
        keepSending.set(false);

        List<String> sent = new ArrayList<>();
        for (var device : devices) {
            sent.addAll(device.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        }
        Map<String, Long> stored = hub
                .jdbc()
                .queryForList("select message_id from telemetry where device_id like ?", String.class, run + "-%")
                .stream()
                .collect(Collectors.groupingBy(m -> m, Collectors.counting()));
        System.out.printf(
                "RouteReloadIT: in force %d ms after the save; %d messages acknowledged (%d before the swap), %d"
                        + " answers 'send it again', %d stored%n",
                swapMillis, sent.size(), atSwap, sentAgain.get(), stored.size());
        assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(stored).allSatisfy((id, copies) -> assertThat(copies).as(id).isOne());
        assertThat(routes().path("lastFailure").isNull()).isTrue();
    }

    @Test
    void aBrokenSaveKeepsTheRoutesAndNamesTheLine() throws Exception {
        Path file = home.resolve("routes/store-warm.camel.yaml");
        String inForce = Files.readString(file);
        Files.writeString(file, inForce.replaceFirst("      steps:", "      steps\n"));
        try {
            JsonNode failure = await().atMost(DEADLINE)
                    .until(
                            () -> routes().path("lastFailure"),
                            f -> f.path("file").asText().equals("store-warm.camel.yaml"));
            assertThat(failure.path("line").asInt()).isPositive();
            assertThat(failure.path("message").asText()).isNotBlank();
            assertThat(routes().path("files")
                            .path("store-warm.camel.yaml")
                            .path("sha256")
                            .asText())
                    .isEqualTo(sha256(inForce));
            String id = Device.uniqueId("meter");
            try (var device = new Device(hub, id)) {
                assertThat(device.publishJson("{\"metrics\":{\"flow\":1.5}}", null))
                        .containsExactly(0);
            }
            await().atMost(DEADLINE)
                    .untilAsserted(() -> assertThat(new Observed(hub).rows(id)).hasSize(1));
            assertThat(metrics()).contains("fieldhub_routes_reloads_total{outcome=\"refused\"}");
        } finally {
            Files.writeString(file, inForce);
        }
    }

    /** A device sending one reading after another until told to stop; returns the ids the hub acknowledged. */
    private static List<String> stream(
            String id, AtomicBoolean keepSending, AtomicInteger acknowledged, AtomicInteger sentAgain) {
        List<String> sent = new ArrayList<>();
        try (var device = new Device(hub, id)) {
            for (int seq = 0; keepSending.get(); seq++) {
                String messageId = id + "-" + seq;
                int attempts = device.sendUntilAcknowledged("{\"metrics\":{\"temperature\":70}}", messageId);
                sentAgain.addAndGet(attempts - 1);
                sent.add(messageId);
                acknowledged.incrementAndGet();
            }
        } catch (org.eclipse.paho.mqttv5.common.MqttException e) {
            throw new IllegalStateException(e);
        }
        return sent;
    }

    private static JsonNode routes() throws Exception {
        return new ObjectMapper().readTree(get("/api/routes"));
    }

    private static String metrics() throws Exception {
        return get("/actuator/prometheus");
    }

    private static String get(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(hub.api(path).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
