package io.fieldhub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.deadletter.DeadLetters;
import io.fieldhub.device.DeviceRegistry;
import io.fieldhub.device.DeviceSpec;
import io.fieldhub.ingest.DeviceQuota;
import io.fieldhub.ingest.gateway.GatewayBatches;
import io.fieldhub.ingest.gateway.GatewayFanOut;
import io.fieldhub.ingest.gateway.GatewayOutcome;
import io.fieldhub.ingest.gateway.GatewayOutcome.Answer;
import io.fieldhub.telemetry.InvalidTelemetryException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * routes/ingest-gateway.camel.yaml against the real registry and dead letters in PostgreSQL: a gateway message's
 * readings reach the backbone together, each as its own device's message, and the answer waits for all of them.
 */
class IngestGatewayRouteIT {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    static final Duration DEADLINE = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();

    RouteHarness hub;
    GatewayFanOut fanOut;
    final HeldFlow backbone = new HeldFlow();
    DeviceRegistry registry;

    void start(DeviceQuota quota) throws Exception {
        registry = new DeviceRegistry(JdbcClient.create(db.dataSource()), JSON, event -> {});
        registry.create(new DeviceSpec("gw-1", null, null, null, true), "test", null);
        registry.create(new DeviceSpec("engine-1", null, null, null, true, List.of("gw-1")), "test", null);
        registry.create(new DeviceSpec("engine-2", null, null, null, true, List.of("gw-9", "gw-1")), "test", null);
        registry.create(new DeviceSpec("engine-3", null, null, null, true, List.of("gw-9")), "test", null);
        var meters = new SimpleMeterRegistry();
        hub = new RouteHarness()
                .bind("deadLetters", new DeadLetters(db.jdbc(), meters, 16384))
                .bind("gatewayBatches", new GatewayBatches(JSON, registry, Clock.systemUTC(), 5, 65536))
                .bind(
                        "gatewayFanOut",
                        fanOut = new GatewayFanOut(new DeadLetters(db.jdbc(), meters, 16384), quota, meters, 2))
                .bind("heldFlow", backbone)
                .routes("ingest-gateway.camel.yaml")
                .advise(
                        "ingest-gateway-reading",
                        a -> a.weaveByToString(".*\\{\\{hub\\.backbone\\.endpoint}}.*")
                                .replace()
                                .process("heldFlow"))
                .start();
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
            fanOut.stop();
        }
    }

    @Test
    void theReadingsGoOnTogetherAsTheirDevicesMessagesAndTheAnswerWaitsForAll() throws Exception {
        start(new DeviceQuota(0, 1));

        CompletableFuture<Exchange> answer = send(
                "{\"engine-1\":[{\"metrics\":{\"t\":1}},{\"metrics\":{\"t\":2}}],"
                        + "\"engine-2\":[{\"messageId\":\"own\",\"metrics\":{\"t\":3}}]}",
                "g-1");

        List<Held> held = List.of(backbone.next(), backbone.next(), backbone.next());
        assertThat(held)
                .extracting(h -> h.header("deviceId") + "/" + h.header("messageId"))
                .as("every reading is handed on before any is finished, each device's in order")
                .containsExactly("engine-1/g-1-0", "engine-1/g-1-1", "engine-2/own");
        assertThat(held.get(0).exchange().getMessage().getHeaders())
                .containsEntry("ingestSource", "mqtt")
                .containsEntry("Content-Type", "application/json")
                .containsEntry("messageIdAssigned", "false")
                .containsKeys("traceId", "receivedAt");
        assertThat(JSON.readTree(held.get(2).exchange().getMessage().getBody(byte[].class)))
                .isEqualTo(JSON.readTree("{\"messageId\":\"own\",\"metrics\":{\"t\":3}}"));
        held.get(0).finish();
        held.get(2).finish();
        assertThat(answer).as("answered while a reading is still in the flow").isNotDone();

        held.get(1).finish();
        GatewayOutcome outcome = outcome(answer);
        assertThat(outcome.answer()).isEqualTo(Answer.STORED);
        assertThat(outcome.stored()).isEqualTo(3);
        assertThat(answer.get().getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE))
                .isEqualTo(202);
    }

    @Test
    void aReadingOfADeviceNotBehindTheGatewayIsADeadLetterAndDoesNotHoldUpTheOthers() throws Exception {
        start(new DeviceQuota(0, 1));

        CompletableFuture<Exchange> answer =
                send("{\"engine-3\":[{\"metrics\":{\"t\":9}}],\"engine-1\":[{\"metrics\":{\"t\":1}}]}", "g-2");
        backbone.next().finish();

        GatewayOutcome outcome = outcome(answer);
        assertThat(outcome.answer()).isEqualTo(Answer.STORED);
        assertThat(outcome.deadLetters()).singleElement().satisfies(d -> {
            assertThat(d.deviceId()).isEqualTo("engine-3");
            assertThat(d.refused()).isTrue();
            assertThat(d.reason()).contains("does not name gateway gw-1");
        });
        var letter = db.jdbc().queryForMap("select * from dead_letter where device_id = 'engine-3'");
        assertThat(letter).containsEntry("message_id", "g-2-0").containsEntry("route_id", "ingest-gateway");
        assertThat(letter.get("payload").toString()).contains("\"t\":9");
        assertThat(backbone.held).isEmpty();
    }

    @Test
    void theAnswerIsTheWorstOfItsReadings() throws Exception {
        start(new DeviceQuota(0, 1));

        CompletableFuture<Exchange> bad =
                send("{\"engine-1\":[{\"metrics\":{\"t\":1}}],\"engine-2\":[{\"metrics\":{\"t\":2}}]}", "g-3");
        backbone.next().finish();
        backbone.next().deadLetter(new InvalidTelemetryException("metric 't' is not a finite number"));
        GatewayOutcome badOutcome = outcome(bad);
        assertThat(badOutcome.answer()).isEqualTo(Answer.BAD_INPUT);
        assertThat(badOutcome.reason()).contains("reading 0 of device engine-2", "finite", "1 of 2 readings stored");

        CompletableFuture<Exchange> kept = send("{\"engine-1\":[{\"metrics\":{\"t\":1}}]}", "g-4");
        for (int attempt = 0; attempt < 4; attempt++) {
            // errors.camel.yaml: three quick retries, then a dead letter
            backbone.next().fail(new IllegalStateException("the rule engine broke"));
        }
        GatewayOutcome keptOutcome = outcome(kept);
        assertThat(keptOutcome.answer()).isEqualTo(Answer.DEAD_LETTER);
        assertThat(keptOutcome.reason()).contains("the rule engine broke");

        hub.context().getRouteController().stopRoute("ingest-gateway-reading");
        CompletableFuture<Exchange> lost = send("{\"engine-1\":[{\"metrics\":{\"t\":1}}]}", "g-5");
        assertThat(outcome(lost).answer()).as("the hub is stopping").isEqualTo(Answer.SEND_AGAIN);
        assertThat(lost.get().getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE))
                .isEqualTo(503);
    }

    @Test
    void readingsCountAgainstTheirOwnDevicesRatesAllOrNone() throws Exception {
        start(new DeviceQuota(1, 2));

        CompletableFuture<Exchange> over = send(
                "{\"engine-1\":[{\"metrics\":{\"t\":1}}],\"engine-2\":[{\"metrics\":{\"t\":1}},{\"metrics\":{\"t\":2}},"
                        + "{\"metrics\":{\"t\":3}}]}",
                "g-5");
        GatewayOutcome outcome = outcome(over);
        assertThat(outcome.answer()).isEqualTo(Answer.OVER_QUOTA);
        assertThat(outcome.overQuota()).isEqualTo("engine-2");
        assertThat(backbone.held).as("nothing went on").isEmpty();

        CompletableFuture<Exchange> fits =
                send("{\"engine-1\":[{\"metrics\":{\"t\":1}},{\"metrics\":{\"t\":2}}]}", "g-6");
        backbone.next().finish();
        backbone.next().finish();
        assertThat(outcome(fits).answer())
                .as("engine-1's token taken by the refused batch was given back")
                .isEqualTo(Answer.STORED);
    }

    @Test
    void aMessageThatIsNotAGatewayBatchIsBadInputAsAWholeAndKeptAsOneDeadLetter() throws Exception {
        start(new DeviceQuota(0, 1));

        Exchange malformed = send("{\"engine-1\":[{", "g-7").get(20, TimeUnit.SECONDS);
        assertThat(malformed.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class))
                .isEqualTo(400);
        assertThat(malformed.getMessage().getBody(String.class)).contains("malformed JSON");

        Exchange tooMany = send(
                        "{\"engine-1\":[{\"t\":1},{\"t\":1},{\"t\":1}],\"engine-2\":[{\"t\":1},{\"t\":1},{\"t\":1}]}",
                        "g-8")
                .get(20, TimeUnit.SECONDS);
        assertThat(tooMany.getMessage().getBody(String.class)).contains("6 readings", "the limit is 5");

        assertThat(db.jdbc().queryForList("select message_id from dead_letter where device_id = 'gw-1'", String.class))
                .containsExactly("g-7", "g-8");
        assertThat(backbone.held).isEmpty();
    }

    private CompletableFuture<Exchange> send(String json, String messageId) {
        return hub.template().asyncSend("direct:ingest-gateway", exchange -> {
            exchange.getMessage().setBody(json.getBytes(StandardCharsets.UTF_8));
            exchange.getMessage()
                    .setHeaders(Map.of(
                            GatewayBatches.GATEWAY_ID,
                            "gw-1",
                            "messageId",
                            messageId,
                            "ingestSource",
                            "mqtt",
                            "Content-Type",
                            "application/json"));
        });
    }

    private static GatewayOutcome outcome(CompletableFuture<Exchange> answer) throws Exception {
        Exchange done = answer.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(done.getException()).isNull();
        return done.getMessage().getBody(GatewayOutcome.class);
    }

    record Held(Exchange exchange, AsyncCallback callback) {
        String header(String name) {
            return exchange.getMessage().getHeader(name, String.class);
        }

        void finish() {
            callback.done(false);
        }

        void fail(Exception e) {
            exchange.setException(e);
            callback.done(false);
        }

        /** As the process route's error handler leaves a reading it kept as a dead letter. */
        void deadLetter(Exception cause) {
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, cause);
            exchange.setProperty(DeadLetters.RECORDED, true);
            callback.done(false);
        }
    }

    static final class HeldFlow extends AsyncProcessorSupport {
        final BlockingQueue<Held> held = new LinkedBlockingQueue<>();

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            held.add(new Held(exchange, callback));
            return false;
        }

        Held next() throws InterruptedException {
            Held next = held.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(next).as("a reading reached the backbone").isNotNull();
            return next;
        }
    }
}
