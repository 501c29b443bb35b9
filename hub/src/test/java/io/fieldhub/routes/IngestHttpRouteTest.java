package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.codec.Codecs;
import io.fieldhub.ingest.Ingest;
import io.fieldhub.process.DeviceLanes;
import io.fieldhub.process.TelemetryDecoder;
import io.fieldhub.process.TelemetryValidator;
import io.fieldhub.rules.RuleEngine;
import io.fieldhub.telemetry.TelemetryRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * routes/ingest-http.camel.yaml: what HttpIngestController hands over becomes a raw payload on the backbone, and the
 * route answers 202 with the ids, or 400 with the reason.
 */
class IngestHttpRouteTest {

    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    static final ObjectMapper JSON = new ObjectMapper();

    RouteHarness hub;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void acceptedPostAnswers202WithTheIdsAndPutsTheBytesOnTheBackbone() throws Exception {
        startWithBackboneMock();
        MockEndpoint backbone = hub.mock("backbone");
        byte[] reading = utf8("{\"metrics\":{\"flow\":4.2}}");
        backbone.expectedBodiesReceived((Object) reading);

        Exchange answer = post(
                "pump-7",
                reading,
                Map.of("Content-Type", "application/json", "Message-Id", "m-1", "traceparent", TRACEPARENT));

        backbone.assertIsSatisfied(5, TimeUnit.SECONDS);
        assertThat(status(answer)).isEqualTo(202);
        assertThat(json(answer)).isEqualTo(JSON.readTree("{\"messageId\":\"m-1\",\"deviceId\":\"pump-7\"}"));
        Message sent = backbone.getReceivedExchanges().get(0).getMessage();
        assertThat(sent.getHeaders())
                .containsEntry("deviceId", "pump-7")
                .containsEntry("messageId", "m-1")
                .containsEntry("traceId", "4bf92f3577b34da6a3ce929d0e0e4736")
                .containsEntry("Content-Type", "application/json")
                .containsEntry("ingestSource", "http")
                .containsKey("receivedAt");
    }

    @Test
    void postWithoutMessageIdIsAnsweredWithTheAssignedOne() throws Exception {
        startWithBackboneMock();
        hub.mock("backbone").expectedMessageCount(1);

        Exchange answer = post("pump-7", utf8("{\"flow\":4.2}"), Map.of());

        hub.mock("backbone").assertIsSatisfied(5, TimeUnit.SECONDS);
        String assigned =
                hub.mock("backbone").getReceivedExchanges().get(0).getMessage().getHeader("messageId", String.class);
        assertThat(status(answer)).isEqualTo(202);
        assertThat(json(answer).path("messageId").asText()).isNotBlank().isEqualTo(assigned);
    }

    @Test
    void invalidDeviceIdIsAnswered400WithTheReasonAndNeverReachesTheBackbone() throws Exception {
        startWithBackboneMock();
        hub.mock("backbone").expectedHeaderReceived("deviceId", "pump-8");

        Exchange refused = post("bad id!", utf8("{\"flow\":4.2}"), Map.of("Message-Id", "bad-1"));
        post("pump-8", utf8("{\"flow\":4.2}"), Map.of());

        hub.mock("backbone").assertIsSatisfied(5, TimeUnit.SECONDS);
        assertThat(status(refused)).isEqualTo(400);
        JsonNode error = json(refused);
        assertThat(error.path("error").asText()).contains("device id 'bad id!' is not valid");
        assertThat(error.path("messageId").asText()).isEqualTo("bad-1");
        assertThat(hub.deadLetters().letters()).singleElement().satisfies(letter -> {
            assertThat(letter.routeId()).isEqualTo("ingest-http");
            assertThat(letter.payload()).asString(StandardCharsets.UTF_8).isEqualTo("{\"flow\":4.2}");
        });
    }

    /**
     * With the in-process backbone the payload is decoded inside the same request, so a client that posts malformed
     * JSON must hear 400, not 202.
     */
    @Test
    void malformedPayloadIsAnswered400ThroughTheInProcessBackbone() throws Exception {
        hub = new RouteHarness()
                .bind("ingest", new Ingest(Clock.systemUTC()))
                .bind("deviceLanes", new DeviceLanes(2, 100))
                .bind("telemetryDecoder", new TelemetryDecoder(new Codecs(JSON, List.of()), 65536))
                .bind(
                        "telemetryValidator",
                        new TelemetryValidator(256, Duration.ofMinutes(5), Duration.ofDays(7), Clock.systemUTC()))
                .bind("ruleEngine", RuleEngine.fromFolder(RouteHarness.RULES, 2, Clock.systemUTC()))
                .routes("ingest-http.camel.yaml", "process.camel.yaml")
                .advise(
                        "process",
                        a -> a.weaveByToUri("direct:store-warm").replace().to("mock:stored"))
                .start();
        hub.mock("stored").expectedMessageCount(1);

        Exchange refused = post("pump-7", utf8("{\"metrics\":{\"flow\":"), Map.of("Message-Id", "bad-2"));
        Exchange accepted = post("pump-7", utf8("{\"metrics\":{\"flow\":4.2}}"), Map.of("Message-Id", "good-2"));

        hub.mock("stored").assertIsSatisfied(5, TimeUnit.SECONDS);
        assertThat(hub.mock("stored")
                        .getReceivedExchanges()
                        .get(0)
                        .getMessage()
                        .getBody(TelemetryRecord.class)
                        .messageId())
                .isEqualTo("good-2");
        assertThat(status(accepted)).isEqualTo(202);
        assertThat(status(refused)).isEqualTo(400);
        assertThat(json(refused).path("error").asText()).startsWith("malformed JSON");
        assertThat(hub.deadLetters().letters())
                .singleElement()
                .satisfies(letter -> assertThat(letter.messageId()).isEqualTo("bad-2"));
    }

    private void startWithBackboneMock() throws Exception {
        hub = new RouteHarness()
                .bind("ingest", new Ingest(Clock.systemUTC()))
                .routes("ingest-http.camel.yaml")
                .advise("ingest-http", RouteHarness::backboneToMock)
                .start();
    }

    /** What HttpIngestController sends: the body, the device from the URL, and the HTTP headers it copies. */
    private Exchange post(String deviceId, byte[] body, Map<String, String> headers) {
        return hub.template().send("direct:ingest-http", exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeader("deviceId", deviceId);
            exchange.getMessage().getHeaders().putAll(headers);
        });
    }

    private static int status(Exchange answer) {
        assertThat(answer.getException())
                .as("the route answers instead of failing")
                .isNull();
        return answer.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }

    private static JsonNode json(Exchange answer) throws Exception {
        return JSON.readTree(answer.getMessage().getBody(String.class));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
