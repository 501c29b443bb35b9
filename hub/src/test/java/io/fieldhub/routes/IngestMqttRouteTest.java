package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldhub.ingest.Ingest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Message;
import org.apache.camel.component.mock.MockEndpoint;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** routes/ingest-mqtt.camel.yaml: an MQTT 5 publish becomes a raw payload with plain headers on the backbone. */
class IngestMqttRouteTest {

    static final Instant NOW = Instant.parse("2026-11-26T10:00:00.250Z");
    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    static final byte[] READING = "{\"metrics\":{\"temperature\":81.5}}".getBytes(StandardCharsets.UTF_8);

    RouteHarness hub;
    MockEndpoint backbone;

    @BeforeEach
    void start() throws Exception {
        hub = new RouteHarness()
                .bind("ingest", new Ingest(Clock.fixed(NOW, ZoneOffset.UTC)))
                .routes("ingest-mqtt.camel.yaml")
                .advise("ingest-mqtt", a -> {
                    a.replaceFromWith("direct:mqtt");
                    RouteHarness.backboneToMock(a);
                })
                .start();
        backbone = hub.mock("backbone");
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void publishReachesTheBackboneWithItsIdsAndTheBytesAsSent() throws Exception {
        backbone.expectedBodiesReceived((Object) READING);

        publish(
                "devices/engine-7/telemetry",
                READING,
                properties("application/json", Map.of("messageId", "m-1", "traceparent", TRACEPARENT)));

        backbone.assertIsSatisfied(5, TimeUnit.SECONDS);
        Message sent = backbone.getReceivedExchanges().get(0).getMessage();
        assertThat(sent.getBody(byte[].class)).isEqualTo(READING);
        assertThat(sent.getHeaders())
                .containsEntry("deviceId", "engine-7")
                .containsEntry("messageId", "m-1")
                .containsEntry("messageIdAssigned", "false")
                .containsEntry("traceId", "4bf92f3577b34da6a3ce929d0e0e4736")
                .containsEntry("Content-Type", "application/json")
                .containsEntry("receivedAt", NOW.toString())
                .containsEntry("ingestSource", "mqtt");
        assertThat(sent.getHeaders().keySet())
                .as("only plain headers cross the backbone (Kafka must carry them)")
                .noneMatch(name -> name.startsWith("Camel"));
        assertThat(hub.deadLetters().letters()).isEmpty();
    }

    @Test
    void publishWithoutIdsGetsAMessageIdAndATraceIdAssigned() throws Exception {
        backbone.expectedMessageCount(1);

        publish("devices/engine-7/telemetry", READING, null);

        backbone.assertIsSatisfied(5, TimeUnit.SECONDS);
        Message sent = backbone.getReceivedExchanges().get(0).getMessage();
        assertThat(sent.getHeader("messageId", String.class)).isNotBlank();
        assertThat(sent.getHeader("messageIdAssigned")).isEqualTo("true");
        assertThat(sent.getHeader("traceId", String.class)).matches("[0-9a-f]{32}");
        assertThat(sent.getHeader("Content-Type"))
                .as("no content type means JSON downstream")
                .isNull();
    }

    @Test
    void invalidDeviceIdBecomesADeadLetterAndNeverReachesTheBackbone() throws Exception {
        backbone.expectedBodiesReceived((Object) READING);
        backbone.expectedHeaderReceived("deviceId", "engine-8");

        publish(
                "devices/bad id!/telemetry",
                "{\"metrics\":{\"t\":1}}".getBytes(StandardCharsets.UTF_8),
                properties("application/json", Map.of("messageId", "bad-1")));
        publish("devices/engine-8/telemetry", READING, null);

        backbone.assertIsSatisfied(5, TimeUnit.SECONDS);
        assertThat(hub.deadLetters().letters()).singleElement().satisfies(letter -> {
            assertThat(letter.routeId()).isEqualTo("ingest-mqtt");
            assertThat(letter.reason()).contains("device id 'bad id!' is not valid");
            assertThat(letter.messageId()).isEqualTo("bad-1");
            assertThat(letter.payload()).asString(StandardCharsets.UTF_8).isEqualTo("{\"metrics\":{\"t\":1}}");
        });
    }

    private void publish(String topic, byte[] payload, MqttProperties properties) {
        hub.template().send("direct:mqtt", exchange -> {
            exchange.getMessage().setBody(payload);
            exchange.getMessage().setHeader("CamelMqttTopic", topic);
            if (properties != null) {
                exchange.getMessage().setHeader("CamelPahoMqtt5MsgProperties", properties);
            }
        });
    }

    private static MqttProperties properties(String contentType, Map<String, String> user) {
        MqttProperties properties = new MqttProperties();
        properties.setContentType(contentType);
        properties.setUserProperties(user.entrySet().stream()
                .map(e -> new UserProperty(e.getKey(), e.getValue()))
                .toList());
        return properties;
    }
}
