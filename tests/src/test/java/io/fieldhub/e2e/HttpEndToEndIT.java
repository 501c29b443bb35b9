package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/** A device posts over HTTP; it gets 202 with the message id, and the reading flows like an MQTT one. */
class HttpEndToEndIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    final RunningHub hub = RunningHub.shared();
    final Observed observed = new Observed(hub);
    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> post(String deviceId, String contentType, byte[] body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(hub.httpUrl("/api/devices/" + deviceId + "/telemetry")))
                        .header("Content-Type", contentType)
                        .header("Authorization", TestFleet.basic(deviceId))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(hub.api(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPostIsAcceptedWithItsMessageIdStoredArchivedQueryableAndEmailed() throws Exception {
        String id = Device.uniqueId("engine");
        Instant ts = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.HOURS);
        HttpResponse<String> response = post(
                id,
                "application/json",
                "{\"messageId\":\"%s-1\",\"ts\":\"%s\",\"metrics\":{\"temperature\":93.1}}"
                        .formatted(id, ts)
                        .getBytes());
        assertThat(response.statusCode()).isEqualTo(202);
        var body = new ObjectMapper().readTree(response.body());
        assertThat(body.path("messageId").asText()).isEqualTo(id + "-1");
        assertThat(body.path("deviceId").asText()).isEqualTo(id);

        // 202 means stored: the row is there at once
        assertThat(observed.rows(id)).hasSize(1);
        var query = get("/api/devices/" + id + "/telemetry?from=" + ts.minusSeconds(60) + "&to=" + ts.plusSeconds(60));
        assertThat(query.statusCode()).isEqualTo(200);
        var rows = new ObjectMapper().readTree(query.body());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).path("metrics").path("temperature").asDouble()).isEqualTo(93.1);
        assertThat(rows.get(0).path("ts").asText()).isEqualTo(ts.toString());
        assertThat(new ObjectMapper()
                        .readTree(get("/api/devices/" + id + "/telemetry?from=" + ts.plusSeconds(1))
                                .body()))
                .isEmpty();

        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.archived(id)).hasSize(1));
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.emails(id)).hasSize(1));
        var alerts = new ObjectMapper()
                .readTree(get("/api/alerts?deviceId=" + id + "&state=OPEN").body());
        assertThat(alerts).hasSize(1);
        var alert = alerts.get(0);
        assertThat(alert.path("severity").asText()).isEqualTo("CRITICAL");
        assertThat(alert.path("ruleId").asText()).isEqualTo("Engine overheat");
        assertThat(alert.path("count").asInt()).isEqualTo(1);
        assertThat(alert.path("lastValue").asDouble()).isEqualTo(93.1);
        assertThat(alert.path("lastTs").asText()).isEqualTo(ts.toString());
    }

    @Test
    void anOperatorAcknowledgesAnAlertOnceAndItsHistoryShowsWho() throws Exception {
        String id = Device.uniqueId("engine");
        assertThat(post(id, "application/json", "{\"metrics\":{\"temperature\":99.0}}".getBytes())
                        .statusCode())
                .isEqualTo(202);
        long alertId = await().atMost(DEADLINE)
                .until(
                        () -> new ObjectMapper()
                                .readTree(get("/api/alerts?deviceId=" + id).body()),
                        a -> a.size() == 1)
                .get(0)
                .path("id")
                .asLong();

        var viewer = hub.newUser("viewer");
        assertThat(ack(alertId, "", viewer).statusCode()).isEqualTo(403);
        var maria = hub.newUser("operator");
        // the acknowledger is the signed-in user, whatever the body says
        HttpResponse<String> ack = ack(alertId, "{\"by\":\"mallory\",\"note\":\"checking the coolant\"}", maria);
        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(ack.body()).path("state").asText())
                .isEqualTo("ACKNOWLEDGED");
        HttpResponse<String> again = ack(alertId, "", maria);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("already acknowledged");
        assertThat(ack(alertId + 1_000_000, "", maria).statusCode()).isEqualTo(404);
        assertThat(ack(alertId, "{\"note\":\"" + "x".repeat(501) + "\"}", maria).statusCode())
                .isEqualTo(400);

        var history = new ObjectMapper()
                .readTree(get("/api/alerts/" + alertId + "/history").body());
        assertThat(history)
                .extracting(t ->
                        t.path("transition").asText() + " by " + t.path("actor").asText())
                .containsExactly("RAISED by rules", "ACKNOWLEDGED by " + maria.name());
        assertThat(get("/api/alerts?state=SOMETIMES").statusCode()).isEqualTo(400);
    }

    HttpResponse<String> ack(long alertId, String body, RunningHub.ApiUser user) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(hub.httpUrl("/api/alerts/" + alertId + "/ack")))
                        .header("Authorization", user.authorization())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyOverTheLimitGets413AndIsNeverStoredWhetherItsLengthIsDeclaredOrNot() throws Exception {
        String id = Device.uniqueId("engine");
        byte[] huge = new byte[1024 * 1024];

        HttpResponse<String> declared = post(id, "application/json", huge);
        HttpResponse<String> chunked = http.send(
                HttpRequest.newBuilder(URI.create(hub.httpUrl("/api/devices/" + id + "/telemetry")))
                        .header("Content-Type", "application/json")
                        .header("Authorization", TestFleet.basic(id))
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(declared.statusCode()).isEqualTo(413);
        assertThat(declared.body()).contains("hub.ingest.max-payload-bytes");
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(post(id, "application/json", "{\"metrics\":{\"t\":1}}".getBytes())
                        .statusCode())
                .isEqualTo(202);
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.rows(id)).hasSize(1));
        assertThat(observed.deadLetters(id)).isEmpty();
    }

    @Test
    void aBadPostGets400WithTheReasonAndADeadLetter() throws Exception {
        String id = Device.uniqueId("engine");
        HttpResponse<String> response = post(id, "application/json", "{\"metrics\":".getBytes());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("malformed JSON");
        assertThat(observed.deadLetters(id)).hasSize(1);
        var listed = new ObjectMapper()
                .readTree(get("/api/dead-letters?deviceId=" + id).body());
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).path("payload").asText()).isEqualTo("{\"metrics\":");
        assertThat(listed.get(0).path("reason").asText()).contains("malformed JSON");
    }

    @Test
    void healthNamesTheBrokerDatabaseAndObjectStoreAndMetricsCountTheFlow() throws Exception {
        var health = new ObjectMapper().readTree(get("/actuator/health").body());
        assertThat(health.path("status").asText()).isEqualTo("UP");
        for (String part : new String[] {"broker", "db", "objectStore"}) {
            assertThat(health.path("components").path(part).path("status").asText())
                    .as(part)
                    .isEqualTo("UP");
        }
        String id = Device.uniqueId("meter");
        assertThat(post(id, "application/json", "{\"flow\":1.5}".getBytes()).statusCode())
                .isEqualTo(202);
        String metrics = get("/actuator/prometheus").body();
        assertThat(metrics)
                .contains("fieldhub_telemetry_stored_total")
                .contains("fieldhub_store_queue")
                .contains("camel_exchanges_total");
    }
}
