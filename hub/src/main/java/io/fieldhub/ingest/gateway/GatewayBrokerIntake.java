package io.fieldhub.ingest.gateway;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.PublishPacket;
import io.fieldhub.deadletter.DeadLetters;
import io.fieldhub.ingest.BrokerIntake;
import io.fieldhub.ingest.InProcessIntake;
import io.fieldhub.ingest.TelemetryHeaders;
import io.fieldhub.telemetry.InvalidTelemetryException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes gateway messages from the embedded broker in-process: each PUBLISH on {@code gateways/{gatewayId}/telemetry}
 * (only the gateway's own, the client id being its device id) goes to route {@code ingest-gateway}, and its PUBACK
 * waits until every reading is settled: {@code SUCCESS} once every reading the gateway may send is stored, otherwise
 * the code of the worst {@link GatewayOutcome.Answer} with the reason. A malformed message is answered as a device's
 * is (0x99 with the reason). With the embedded broker gateways always come in this way, whatever
 * {@code hub.mqtt.intake} says. docs/devices.md#gateways
 */
public class GatewayBrokerIntake implements PublishInboundInterceptor, InProcessIntake {

    /** The route that takes the handed-over gateway messages. */
    public static final String ENDPOINT = "direct:ingest-gateway";

    private static final Logger LOG = LoggerFactory.getLogger(GatewayBrokerIntake.class);
    private static final int MAX_REASON_CHARS = 500;

    private record Flow(CamelContext camel, AsyncProducer producer) {}

    private final Duration storeTimeout;
    private final String notStoredInTime;
    private final CompletableFuture<Flow> flow = new CompletableFuture<>();

    public GatewayBrokerIntake(Duration storeTimeout) {
        this.storeTimeout = storeTimeout;
        this.notStoredInTime = "FieldHub did not store this gateway message within " + storeTimeout + ": send it again";
    }

    @Override
    public void connect(CamelContext camel) {
        AsyncProducer producer =
                InProcessIntake.startProducer(camel, ENDPOINT, "gateway intake", "ingest-gateway.camel.yaml");
        flow.complete(new Flow(camel, producer));
    }

    @Override
    public void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
        PublishPacket publish = input.getPublishPacket();
        String topic = publish.getTopic();
        if (!topic.startsWith("gateways/") || !topic.endsWith("/telemetry")) {
            return;
        }
        String clientId = input.getClientInformation().getClientId();
        if (!topic.equals("gateways/" + clientId + "/telemetry")) {
            output.preventPublishDelivery(
                    AckReasonCode.NOT_AUTHORIZED,
                    reason(topic + " is not the gateway topic of device " + clientId + ": publish on gateways/"
                            + clientId + "/telemetry"));
            return;
        }
        if (publish.getQos() == Qos.AT_MOST_ONCE) {
            output.preventPublishDelivery(AckReasonCode.SUCCESS);
            flow.thenAccept(f -> f.producer().process(exchange(f.camel(), clientId, publish), doneSync -> {}));
            return;
        }
        Async<PublishInboundOutput> async =
                output.async(storeTimeout, TimeoutFallback.FAILURE, AckReasonCode.UNSPECIFIED_ERROR, notStoredInTime);
        flow.thenAccept(f -> {
            Exchange exchange = exchange(f.camel(), clientId, publish);
            try {
                f.producer().process(exchange, doneSync -> settle(exchange, async));
            } catch (RuntimeException e) {
                exchange.setException(e);
                settle(exchange, async);
            }
        });
    }

    private static Exchange exchange(CamelContext camel, String gatewayId, PublishPacket publish) {
        Exchange exchange = new DefaultExchange(camel);
        Message in = exchange.getMessage();
        in.setBody(BrokerIntake.payload(publish));
        in.setHeader(GatewayBatches.GATEWAY_ID, gatewayId);
        in.setHeader(TelemetryHeaders.SOURCE, "mqtt");
        publish.getContentType().ifPresent(type -> in.setHeader(TelemetryHeaders.CONTENT_TYPE, type));
        publish.getUserProperties()
                .getFirst("messageId")
                .ifPresent(id -> in.setHeader(TelemetryHeaders.MESSAGE_ID, id));
        publish.getUserProperties()
                .getFirst("traceparent")
                .ifPresent(tp -> in.setHeader(GatewayBatches.TRACEPARENT, tp));
        return exchange;
    }

    /** The PUBACK for what the flow did with the message and its readings. */
    private static void settle(Exchange exchange, Async<PublishInboundOutput> async) {
        PublishInboundOutput output = async.getOutput();
        try {
            boolean deadLettered = exchange.getProperty(DeadLetters.RECORDED, false, Boolean.class);
            Throwable handled =
                    deadLettered ? exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class) : null;
            Object body = exchange.getMessage().getBody();
            if (exchange.getException() != null) {
                output.preventPublishDelivery(
                        AckReasonCode.UNSPECIFIED_ERROR,
                        reason("FieldHub did not store this gateway message ("
                                + exchange.getException().getMessage() + "): send it again"));
            } else if (handled != null) {
                boolean bad = ObjectHelper.getException(InvalidTelemetryException.class, handled) != null;
                output.preventPublishDelivery(
                        bad ? AckReasonCode.PAYLOAD_FORMAT_INVALID : AckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR,
                        reason(handled.getMessage()));
            } else if (body instanceof GatewayOutcome outcome && outcome.answer() != GatewayOutcome.Answer.STORED) {
                output.preventPublishDelivery(code(outcome.answer()), reason(outcome.reason()));
            } else {
                output.preventPublishDelivery(AckReasonCode.SUCCESS);
            }
        } catch (RuntimeException e) {
            LOG.debug("gateway intake: publish settled after HiveMQ had answered it", e);
        } finally {
            async.resume();
        }
    }

    private static AckReasonCode code(GatewayOutcome.Answer answer) {
        return switch (answer) {
            case OVER_QUOTA -> AckReasonCode.QUOTA_EXCEEDED;
            case SEND_AGAIN -> AckReasonCode.UNSPECIFIED_ERROR;
            case BAD_INPUT -> AckReasonCode.PAYLOAD_FORMAT_INVALID;
            case DEAD_LETTER -> AckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR;
            case STORED -> AckReasonCode.SUCCESS;
        };
    }

    private static String reason(String text) {
        return text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS - 3) + "...";
    }
}
