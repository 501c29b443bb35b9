package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;

/** Device identity through the hub's own API and its real MQTT and HTTP ingest. */
class DevicesIT {

    static final ObjectMapper JSON = new ObjectMapper();

    final RunningHub hub = RunningHub.shared();
    final Observed observed = new Observed(hub);
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void twoDevicesMayUseTheSameMessageIdAndEachOfTheirResendsIsStoredOnce() throws Exception {
        String a = Device.uniqueId("meter");
        String b = Device.uniqueId("meter");

        assertThat(post(a, TestFleet.basic(a), "1").statusCode()).isEqualTo(202);
        assertThat(post(b, TestFleet.basic(b), "1").statusCode()).isEqualTo(202);
        assertThat(post(a, TestFleet.basic(a), "1").statusCode()).as("a resend").isEqualTo(202);

        assertThat(observed.rows(a)).hasSize(1);
        assertThat(observed.rows(b)).hasSize(1);
    }

    @Test
    void httpIngestTakesOnlyTheDeviceItself() throws Exception {
        String device = Device.uniqueId("meter");
        String other = Device.uniqueId("meter");

        HttpResponse<String> anonymous = post(device, null, "m-1");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Basic"));
        assertThat(post(device, basic(device, "not-its-key"), "m-1").statusCode())
                .isEqualTo(403);
        assertThat(post(device, TestFleet.basic(device), "m-1").statusCode()).isEqualTo(202);
        assertThat(post(device, basic(device, "not-its-key"), "m-2").statusCode())
                .as("a registered device with a wrong key")
                .isEqualTo(401);
        assertThat(post(device, TestFleet.basic(other), "m-3").statusCode())
                .as("another device's URL")
                .isEqualTo(403);
        assertThat(observed.rows(device)).hasSize(1);
    }

    @Test
    void aDeviceRegisteredThroughTheApiConnectsWithItsSecretAndDeletingItClosesItsAlerts() throws Exception {
        String id = Device.uniqueId("engine");
        assertThat(api("POST", "/api/devices", "{\"id\":\"" + id + "\",\"site\":\"plant-9\"}")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> made = api("POST", "/api/devices/" + id + "/credentials", "");
        assertThat(made.statusCode()).isEqualTo(201);
        String secret = JSON.readTree(made.body()).get("secret").asText();
        assertThat(api("GET", "/api/devices/" + id + "/credentials", null).body())
                .doesNotContain(secret);

        MqttAsyncClient device = connect(id, secret);
        device.publish(
                        "devices/" + id + "/telemetry",
                        new MqttMessage(
                                "{\"metrics\":{\"temperature\":97}}".getBytes(StandardCharsets.UTF_8), 1, false, null))
                .waitForCompletion(10_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> observed.alerts(id).size() == 1);

        assertThat(api("DELETE", "/api/devices/" + id, null).statusCode()).isEqualTo(204);

        await().atMost(Duration.ofSeconds(5)).until(() -> !device.isConnected());
        assertThat(observed.alerts(id))
                .singleElement()
                .satisfies(alert -> assertThat(alert.get("state")).isEqualTo("CLEARED"));
        assertThat(observed.alertTransitions(id)).last().satisfies(t -> {
            assertThat(t.get("transition")).isEqualTo("CLEARED");
            assertThat(t.get("actor")).isEqualTo("registry");
        });
        Throwable refused = catchThrowable(() -> connect(id, secret));
        assertThat(refused).isInstanceOf(MqttException.class);
        assertThat(((MqttException) refused).getReasonCode()).isEqualTo(0x87);
        device.close(true);
    }

    @Test
    void anImportReportsEachRejectedLine() throws Exception {
        String prefix = Device.uniqueId("pump");
        String csv = "id,type,tags.line\n" + prefix + "-1,pump,1\n" + prefix + " 2,pump,1\n" + prefix + "-3,,2\n";
        HttpResponse<String> response = http.send(
                hub.api("/api/devices/import")
                        .header("Content-Type", "text/csv")
                        .POST(HttpRequest.BodyPublishers.ofString(csv))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        JsonNode result = JSON.readTree(response.body());
        assertThat(result.get("imported").asInt()).isEqualTo(2);
        assertThat(result.get("rejected")).singleElement().satisfies(r -> {
            assertThat(r.get("line").asInt()).isEqualTo(3);
            assertThat(r.get("reason").asText()).contains("not valid");
        });
        assertThat(api("GET", "/api/devices/" + prefix + "-3", null).body()).contains("\"type\":\"pump\"");
    }

    private MqttAsyncClient connect(String id, String secret) throws MqttException {
        var client = new MqttAsyncClient(hub.mqttUrl(), id, new MemoryPersistence());
        var options = new MqttConnectionOptions();
        options.setUserName(id);
        options.setPassword(secret.getBytes(StandardCharsets.UTF_8));
        client.connect(options).waitForCompletion(10_000);
        return client;
    }

    private HttpResponse<String> post(String deviceId, String authorization, String messageId) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(hub.httpUrl("/api/devices/" + deviceId + "/telemetry")))
                .header("Content-Type", "application/json")
                .header("Message-Id", messageId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"metrics\":{\"flow\":1.5}}"));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> api(String method, String path, String json) throws Exception {
        var request = hub.api(path)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String deviceId, String secret) {
        return "Basic "
                + Base64.getEncoder().encodeToString((deviceId + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }
}
