package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fieldhub.alert.RaisedAlert;
import io.fieldhub.codec.Codecs;
import io.fieldhub.codec.FrameLayout;
import io.fieldhub.process.DeviceLanes;
import io.fieldhub.process.TelemetryDecoder;
import io.fieldhub.process.TelemetryValidator;
import io.fieldhub.rules.RuleEngine;
import io.fieldhub.telemetry.TelemetryRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * routes/process.camel.yaml with the real decoder, validator and rules: a reading from the backbone reaches the warm
 * store as a record with the alerts it raised, and bad input becomes one dead letter without holding up the next.
 */
class ProcessRouteTest {

    static final String JSON = "application/json";
    static final String ENGINE_V1 = "application/vnd.fieldhub.engine-v1";
    /** hub.ingest.max-payload-bytes as config/application.yaml ships it. */
    static final int MAX_PAYLOAD_BYTES = 65536;
    /** engine-v1 as config/application.yaml declares it. */
    static final FrameLayout ENGINE_V1_LAYOUT = new FrameLayout(
            "engine-v1",
            ENGINE_V1,
            "big-endian",
            Map.of("type", "engine"),
            List.of(
                    new FrameLayout.Field("ts", "epoch-millis", null),
                    new FrameLayout.Field("temperature", "int16", 0.1),
                    new FrameLayout.Field("rpm", "uint16", null),
                    new FrameLayout.Field("oilPressure", "uint16", 0.01)));

    static RuleEngine rules;

    RouteHarness hub;
    MockEndpoint stored;

    @BeforeAll
    static void buildShippedRules() {
        rules = RuleEngine.fromFolder(RouteHarness.RULES, 2, Clock.systemUTC());
    }

    @BeforeEach
    void start() throws Exception {
        Clock clock = Clock.systemUTC();
        hub = new RouteHarness()
                .bind("deviceLanes", new DeviceLanes(2, 100))
                .bind(
                        "telemetryDecoder",
                        new TelemetryDecoder(
                                new Codecs(
                                        JsonMapper.builder().findAndAddModules().build(), List.of(ENGINE_V1_LAYOUT)),
                                MAX_PAYLOAD_BYTES))
                .bind(
                        "telemetryValidator",
                        new TelemetryValidator(256, Duration.ofMinutes(5), Duration.ofDays(7), clock))
                .bind("ruleEngine", rules)
                .routes("process.camel.yaml")
                .advise(
                        "process",
                        a -> a.weaveByToUri("direct:store-warm").replace().to("mock:stored"))
                .start();
        stored = hub.mock("stored");
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void hotEngineReadingIsStoredWithOneCriticalAlert() throws Exception {
        stored.expectedMessageCount(1);
        Instant ts = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(5);

        send(
                "engine-7",
                "m-hot",
                JSON,
                utf8("{\"ts\":\"" + ts + "\",\"metrics\":{\"temperature\":95.5,\"rpm\":1800},"
                        + "\"tags\":{\"site\":\"plant-1\"}}"));

        stored.assertIsSatisfied(5, TimeUnit.SECONDS);
        TelemetryRecord record = record(0);
        assertThat(record.messageId()).isEqualTo("m-hot");
        assertThat(record.deviceId()).isEqualTo("engine-7");
        assertThat(record.ts()).isEqualTo(ts);
        assertThat(record.metrics()).containsEntry("temperature", 95.5).containsEntry("rpm", 1800.0);
        assertThat(record.tags()).containsEntry("site", "plant-1");
        assertThat(alerts(0)).singleElement().satisfies(alert -> {
            assertThat(alert.ruleId()).isEqualTo("Engine overheat");
            assertThat(alert.severity()).isEqualTo("CRITICAL");
            assertThat(alert.deviceId()).isEqualTo("engine-7");
            assertThat(alert.messageId()).isEqualTo("m-hot");
            assertThat(alert.value()).isEqualTo(95.5);
        });
        assertThat(hub.deadLetters().letters()).isEmpty();
    }

    @Test
    void coolEngineReadingIsStoredWithoutAlerts() throws Exception {
        stored.expectedMessageCount(1);

        send("engine-7", "m-cool", JSON, utf8("{\"temperature\":71.0,\"rpm\":900}"));

        stored.assertIsSatisfied(5, TimeUnit.SECONDS);
        assertThat(record(0).metrics()).containsEntry("temperature", 71.0);
        assertThat(alerts(0)).isEmpty();
    }

    @Test
    void binaryEngineFrameIsDecodedByItsLayout() throws Exception {
        stored.expectedMessageCount(1);
        Instant ts = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(1);

        send("engine-9", "m-frame", ENGINE_V1, engineFrame(ts, 961, 2400, 357));

        stored.assertIsSatisfied(5, TimeUnit.SECONDS);
        TelemetryRecord record = record(0);
        assertThat(record.ts()).isEqualTo(ts);
        assertThat(record.metrics())
                .containsExactlyInAnyOrderEntriesOf(Map.of("temperature", 96.1, "rpm", 2400.0, "oilPressure", 3.57));
        assertThat(record.tags()).containsEntry("type", "engine");
        assertThat(alerts(0))
                .singleElement()
                .satisfies(alert -> assertThat(alert.text())
                        .isEqualTo("Engine engine-9 is running hot: temperature 96.1 above 90.0"));
    }

    static Stream<Arguments> badInput() {
        String future = Instant.now().plus(Duration.ofHours(1)).toString();
        byte[] oversize = utf8("{\"metrics\":{\"t\":1},\"pad\":\"" + "x".repeat(MAX_PAYLOAD_BYTES) + "\"}");
        return Stream.of(
                Arguments.of("malformed JSON", JSON, utf8("{\"metrics\":{\"temperature\":81.5"), "malformed JSON"),
                Arguments.of(
                        "payload over hub.ingest.max-payload-bytes",
                        JSON,
                        oversize,
                        "exceeds the limit of " + MAX_PAYLOAD_BYTES + " bytes"),
                Arguments.of(
                        "metric not a number",
                        JSON,
                        utf8("{\"metrics\":{\"temperature\":\"hot\"}}"),
                        "metric 'temperature' must be a number"),
                Arguments.of(
                        "timestamp in the future",
                        JSON,
                        utf8("{\"ts\":\"" + future + "\",\"metrics\":{\"t\":1}}"),
                        "ahead of hub time"),
                Arguments.of(
                        "frame of the wrong length",
                        ENGINE_V1,
                        new byte[] {0, 1, 2, 3, 4, 5, 6},
                        "frame of 7 bytes does not match layout 'engine-v1' (14 bytes"),
                Arguments.of(
                        "unknown content type",
                        "application/x-protobuf",
                        utf8("x"),
                        "unsupported content type 'application/x-protobuf'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInputBecomesOneDeadLetterAndTheNextGoodMessageIsStored(
            String kind, String contentType, byte[] payload, String reason) throws Exception {
        stored.expectedMessageCount(1);
        stored.expectedHeaderReceived("messageId", "good-1");

        send("engine-7", "bad-1", contentType, payload);
        send("engine-7", "good-1", JSON, utf8("{\"temperature\":70.0}"));

        stored.assertIsSatisfied(5, TimeUnit.SECONDS);
        assertThat(hub.deadLetters().letters()).singleElement().satisfies(letter -> {
            assertThat(letter.routeId()).isEqualTo("process");
            assertThat(letter.reason()).contains(reason);
            assertThat(letter.messageId()).isEqualTo("bad-1");
            assertThat(letter.deviceId()).isEqualTo("engine-7");
            assertThat(letter.payload()).as("the payload exactly as received").isEqualTo(payload);
        });
    }

    /** A message as it crosses the backbone: the raw bytes plus the headers ingest set. */
    private void send(String deviceId, String messageId, String contentType, byte[] payload) {
        hub.template().send("direct:process", exchange -> {
            exchange.getMessage().setBody(payload);
            exchange.getMessage()
                    .setHeaders(Map.of(
                            "deviceId",
                            deviceId,
                            "messageId",
                            messageId,
                            "messageIdAssigned",
                            "false",
                            "traceId",
                            UUID.randomUUID().toString().replace("-", ""),
                            "receivedAt",
                            Instant.now().toString(),
                            "Content-Type",
                            contentType,
                            "ingestSource",
                            "mqtt"));
        });
    }

    private TelemetryRecord record(int index) {
        return stored.getReceivedExchanges().get(index).getMessage().getBody(TelemetryRecord.class);
    }

    @SuppressWarnings("unchecked")
    private List<RaisedAlert> alerts(int index) {
        Exchange exchange = stored.getReceivedExchanges().get(index);
        return exchange.getMessage().getHeader("alerts", List.class);
    }

    private static byte[] engineFrame(Instant ts, int tenthsOfDegree, int rpm, int hundredthsOfBar) {
        return ByteBuffer.allocate(14)
                .order(ByteOrder.BIG_ENDIAN)
                .putLong(ts.toEpochMilli())
                .putShort((short) tenthsOfDegree)
                .putShort((short) rpm)
                .putShort((short) hundredthsOfBar)
                .array();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
