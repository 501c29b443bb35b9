package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPubAck;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway publishes many readings for the devices behind it in one message (docs/devices.md#gateways), over MQTT 5
 * and HTTP, to the real hub: each reading is stored as its own device's, the answer comes once they are stored, and
 * a reading for a device not behind the gateway is a dead letter with the reason.
 */
class GatewayIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration DEADLINE = Duration.ofSeconds(30);

    final RunningHub hub = RunningHub.shared();
    final Observed observed = new Observed(hub);
    final HttpClient http = HttpClient.newHttpClient();

    final String gatewayId = Device.uniqueId("gw");
    final String engine1 = Device.uniqueId("engine");
    final String engine2 = Device.uniqueId("engine");
    MqttAsyncClient gateway;

    @BeforeEach
    void gatewayWithTwoDevicesBehindIt() throws Exception {
        gateway = new MqttAsyncClient(hub.mqttUrl(), gatewayId, new MemoryPersistence());
        gateway.connect(TestFleet.options(gatewayId)).waitForCompletion(10_000);
        register(engine1, List.of(gatewayId));
        register(engine2, List.of(gatewayId));
    }

    @AfterEach
    void disconnect() throws MqttException {
        if (gateway.isConnected()) {
            gateway.disconnect().waitForCompletion(5_000);
        }
        gateway.close();
    }

    @Test
    void eachReadingIsStoredAsItsDevicesWithItsMessageIdBeforeThePuback() throws Exception {
        String messageId = UUID.randomUUID().toString();
        String ts = Instant.now().minusSeconds(60).toString();
        String batch = """
                {"%s":[{"ts":"%s","metrics":{"temperature":71.5}},{"metrics":{"temperature":72.5}}],
                 "%s":[{"messageId":"own-1","metrics":{"rpm":1200}}]}""".formatted(engine1, ts, engine2);

        IMqttToken ack = publish("gateways/" + gatewayId + "/telemetry", batch, messageId);

        assertThat(reasonCode(ack)).isZero();
        // a PUBACK means stored: the rows are there at once
        assertThat(observed.rows(engine1))
                .extracting(r -> r.get("message_id"))
                .containsExactlyInAnyOrder(messageId + "-0", messageId + "-1");
        assertThat(observed.rows(engine1).get(0).get("metrics").toString()).contains("71.5");
        assertThat(observed.rows(engine2))
                .singleElement()
                .satisfies(r -> assertThat(r).containsEntry("message_id", "own-1"));
        assertThat(observed.rows(gatewayId))
                .as("nothing is stored as the gateway's")
                .isEmpty();
        await().atMost(DEADLINE)
                .untilAsserted(() -> assertThat(observed.archived(engine1)).hasSize(2));
    }

    @Test
    void aReadingForADeviceNotBehindTheGatewayIsADeadLetterAndTheRestAreStored() throws Exception {
        String stranger = Device.uniqueId("engine");
        register(stranger, List.of());
        String batch = """
                {"%s":[{"metrics":{"temperature":70}}],"%s":[{"metrics":{"temperature":99}}],
                 "%s":[{"metrics":{"temperature":98}}]}""".formatted(engine1, stranger, Device.uniqueId("unregistered"));

        IMqttToken ack = publish("gateways/" + gatewayId + "/telemetry", batch, "refusals-1");

        assertThat(reasonCode(ack))
                .as("the refused readings do not fail the others")
                .isZero();
        assertThat(observed.rows(engine1)).hasSize(1);
        assertThat(observed.rows(stranger)).isEmpty();
        assertThat(observed.deadLetters(stranger)).singleElement().satisfies(letter -> {
            assertThat(letter.get("reason").toString()).contains("does not name gateway " + gatewayId, "via");
            assertThat(letter.get("payload").toString()).contains("99");
            assertThat(letter).containsEntry("message_id", "refusals-1-0");
        });
    }

    @Test
    void aReplayedGatewayMessageStoresNothingTwice() throws Exception {
        String messageId = UUID.randomUUID().toString();
        String batch =
                "{\"%s\":[{\"metrics\":{\"temperature\":60}},{\"metrics\":{\"temperature\":61}}],\"%s\":[{\"metrics\":{\"rpm\":900}}]}"
                        .formatted(engine1, engine2);

        for (int i = 0; i < 3; i++) {
            assertThat(reasonCode(publish("gateways/" + gatewayId + "/telemetry", batch, messageId)))
                    .isZero();
        }

        assertThat(observed.rows(engine1)).hasSize(2);
        assertThat(observed.rows(engine2)).hasSize(1);
    }

    @Test
    void badInputIsAnsweredAsADevicesIsAndABadReadingDoesNotFailTheOthers() throws Exception {
        String topic = "gateways/" + gatewayId + "/telemetry";

        IMqttToken malformed = publish(topic, "{\"" + engine1 + "\":[{\"metrics\":", "bad-1");
        assertThat(reasonCode(malformed)).isEqualTo(0x99);
        assertThat(reasonString(malformed)).startsWith("malformed JSON");
        assertThat(observed.deadLetters(gatewayId)).hasSize(1);

        IMqttToken notBatch = publish(topic, "{\"metrics\":{\"temperature\":1}}", "bad-2");
        assertThat(reasonCode(notBatch)).isEqualTo(0x99);
        assertThat(reasonString(notBatch)).contains("not an array", "gateway message");

        String badReading = "{\"%s\":[{\"metrics\":{\"temperature\":\"hot\"}}],\"%s\":[{\"metrics\":{\"rpm\":5}}]}"
                .formatted(engine1, engine2);
        IMqttToken partly = publish(topic, badReading, "bad-3");
        assertThat(reasonCode(partly)).isEqualTo(0x99);
        assertThat(reasonString(partly)).contains("reading 0 of device " + engine1, "must be a number", "1 of 2");
        assertThat(observed.rows(engine2)).hasSize(1);
        assertThat(observed.deadLetters(engine1)).hasSize(1);

        StringBuilder tooMany = new StringBuilder("{\"" + engine1 + "\":[");
        for (int i = 0; i < 1001; i++) {
            tooMany.append(i == 0 ? "" : ",").append("{\"metrics\":{\"t\":1}}");
        }
        IMqttToken capped = publish(topic, tooMany.append("]}").toString(), "bad-4");
        assertThat(reasonCode(capped)).isEqualTo(0x99);
        assertThat(reasonString(capped)).contains("1001 readings", "hub.gateways.max-readings");
    }

    @Test
    void aGatewayPublishesOnlyOnItsOwnTopicAndOnlyWithItsCredential() throws Exception {
        IMqttToken other =
                publish("gateways/" + Device.uniqueId("gw") + "/telemetry", "{\"" + engine1 + "\":[]}", "x-1");
        assertThat(reasonCode(other)).isEqualTo(0x87);

        var impostor = new MqttAsyncClient(hub.mqttUrl(), gatewayId, new MemoryPersistence());
        var options = TestFleet.options(gatewayId);
        options.setPassword("not-its-key".getBytes(StandardCharsets.UTF_8));
        try {
            impostor.connect(options).waitForCompletion(10_000);
            throw new AssertionError("a wrong credential was let in");
        } catch (MqttException refused) {
            assertThat(refused.getReasonCode()).isEqualTo(0x86);
        } finally {
            impostor.close();
        }
    }

    @Test
    void httpTakesTheSameShapeAndAnswersWithWhatBecameOfEachReading() throws Exception {
        String stranger = Device.uniqueId("engine");
        String batch =
                "{\"%s\":[{\"metrics\":{\"temperature\":50}}],\"%s\":[{\"metrics\":{\"rpm\":700}}],\"%s\":[{\"metrics\":{\"t\":1}}]}"
                        .formatted(engine1, engine2, stranger);

        HttpResponse<String> accepted = post(gatewayId, TestFleet.basic(gatewayId), batch, "http-1");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        JsonNode outcome = JSON.readTree(accepted.body());
        assertThat(outcome.path("answer").asText()).isEqualTo("STORED");
        assertThat(outcome.path("stored").asInt()).isEqualTo(2);
        assertThat(outcome.path("deadLetters")).singleElement().satisfies(d -> {
            assertThat(d.path("deviceId").asText()).isEqualTo(stranger);
            assertThat(d.path("reason").asText()).contains("not registered");
        });
        assertThat(observed.rows(engine1))
                .singleElement()
                .satisfies(r -> assertThat(r).containsEntry("message_id", "http-1-0"));
        assertThat(observed.rows(engine2)).hasSize(1);
        assertThat(post(gatewayId, TestFleet.basic(gatewayId), batch, "http-1").statusCode())
                .as("a resend")
                .isEqualTo(202);
        assertThat(observed.rows(engine1)).hasSize(1);

        HttpResponse<String> malformed = post(gatewayId, TestFleet.basic(gatewayId), "{\"a\":", "http-2");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(malformed.body()).path("error").asText()).startsWith("malformed JSON");

        assertThat(post(gatewayId, RunningHub.basic(gatewayId, "not-its-key"), batch, "http-3")
                        .statusCode())
                .isEqualTo(401);
        HttpResponse<String> asAnother = post(gatewayId, TestFleet.basic(engine1), batch, "http-4");
        assertThat(asAnother.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(asAnother.body()).path("error").asText())
                .contains("/api/gateways/" + engine1 + "/telemetry");
    }

    private void register(String deviceId, List<String> via) throws Exception {
        String body = JSON.writeValueAsString(Map.of("id", deviceId, "via", via));
        HttpResponse<String> created = http.send(
                hub.api("/api/devices")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("via")).hasSize(via.size());
    }

    private HttpResponse<String> post(String gatewayId, String authorization, String body, String messageId)
            throws Exception {
        return http.send(
                HttpRequest.newBuilder(java.net.URI.create(hub.httpUrl("/api/gateways/" + gatewayId + "/telemetry")))
                        .header("Content-Type", "application/json")
                        .header("Authorization", authorization)
                        .header("Message-Id", messageId)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private IMqttToken publish(String topic, String json, String messageId) throws MqttException {
        var message = new MqttMessage(json.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        var properties = new MqttProperties();
        properties.setContentType("application/json");
        properties.setUserProperties(List.of(new UserProperty("messageId", messageId)));
        message.setProperties(properties);
        return gateway.publish(topic, message);
    }

    private static int reasonCode(IMqttToken ack) {
        await().atMost(DEADLINE).until(ack::isComplete);
        return ack.getReasonCodes()[0];
    }

    private static String reasonString(IMqttToken ack) {
        await().atMost(DEADLINE).until(ack::isComplete);
        return ((MqttPubAck) ack.getResponse()).getProperties().getReasonString();
    }
}
