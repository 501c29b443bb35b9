package io.fieldhub.ingest;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.general.Qos;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.publish.PublishPacket;
import io.fieldhub.deadletter.DeadLetters;
import io.fieldhub.telemetry.InvalidTelemetryException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * Takes telemetry from the embedded broker in-process: each PUBLISH on {@code devices/{deviceId}/telemetry} goes
 * straight to the {@code ingest-broker} route, and its PUBACK waits until the flow has finished with it:
 * <ul>
 *   <li>stored in PostgreSQL: {@code SUCCESS};</li>
 *   <li>bad input, kept as a dead letter: {@code PAYLOAD_FORMAT_INVALID} (0x99) with the reason;</li>
 *   <li>any other dead letter: {@code IMPLEMENTATION_SPECIFIC_ERROR} (0x83) with the reason;</li>
 *   <li>not stored (the hub is stopping, or storing took longer than {@code storeTimeout}): {@code
 *       UNSPECIFIED_ERROR} (0x80), which tells the device to send it again (the store drops the repeat of a stored
 *       message id).</li>
 * </ul>
 * A telemetry publish is not passed on to MQTT subscribers: the hub is its consumer, so the broker keeps no queue for
 * it. What this promises, and its cost for a gateway on one connection: docs/architecture.md#acknowledged-means-stored
 */
public class BrokerIntake implements PublishInboundInterceptor, InProcessIntake, MeterBinder {

    /** The route that takes the handed-over publishes. */
    public static final String ENDPOINT = "direct:ingest-broker";
    /** Headers the route's first step ({@link Ingest#broker}) reads. */
    static final String TOPIC = "mqttTopic";

    static final String MESSAGE_ID = "mqttMessageId";
    static final String TRACEPARENT = "mqttTraceparent";

    private static final Logger LOG = LoggerFactory.getLogger(BrokerIntake.class);
    /** MQTT allows 64 KB; the reason is for a person reading the device's log. */
    private static final int MAX_REASON_CHARS = 500;

    private record Flow(CamelContext camel, AsyncProducer producer) {}

    /** Interception to PUBACK, per answer; Camel's route timings are off on the per-message routes (cost). */
    public static final String PUBACK_METRIC = "fieldhub.mqtt.puback";

    private final Duration storeTimeout;
    private final String notStoredInTime;
    private final Timer stored;
    private final Timer badInput;
    private final Timer deadLetter;
    private final Timer sendAgain;
    private final Counter notAuthorized;
    private final Counter overQuota;
    private final DeviceQuota quota;
    /** Completed when Camel has started; publishes that come earlier wait for it. */
    private final CompletableFuture<Flow> flow = new CompletableFuture<>();

    /**
     * The timers live in a registry of the intake's own, so that the broker can start with the intake before the
     * application's registry exists; {@link #bindTo} adds that registry, and every timer then reports to it.
     */
    private final CompositeMeterRegistry meters = new CompositeMeterRegistry();

    public BrokerIntake(Duration storeTimeout, DeviceQuota quota, MeterRegistry meters) {
        this(storeTimeout, quota);
        bindTo(meters);
    }

    /** An intake whose PUBACK timers report to the registry {@link #bindTo} is given (Spring Boot calls it). */
    public BrokerIntake(Duration storeTimeout, DeviceQuota quota) {
        this.storeTimeout = storeTimeout;
        this.quota = quota;
        this.notStoredInTime = "FieldHub did not store this message within " + storeTimeout + ": send it again";
        this.stored = pubackTimer(meters, "stored");
        this.badInput = pubackTimer(meters, "bad-input");
        this.deadLetter = pubackTimer(meters, "dead-letter");
        this.sendAgain = pubackTimer(meters, "send-again");
        this.notAuthorized = Counter.builder("fieldhub.mqtt.not-authorized")
                .description("Telemetry publishes on another device's topic, answered PUBACK 0x87")
                .register(meters);
        this.overQuota = Counter.builder(DeviceQuota.REFUSED_METRIC)
                .tag("source", "mqtt")
                .description("Telemetry over its device's rate (hub.ingest.quota), answered PUBACK 0x97")
                .register(meters);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        meters.add(registry);
    }

    private static Timer pubackTimer(MeterRegistry meters, String outcome) {
        return Timer.builder(PUBACK_METRIC)
                .tag("outcome", outcome)
                .description("From the broker handing a telemetry publish over to its PUBACK being decided")
                .register(meters);
    }

    @Override
    public void connect(CamelContext camel) {
        AsyncProducer producer =
                InProcessIntake.startProducer(camel, ENDPOINT, "MQTT intake", "ingest-broker.camel.yaml");
        flow.complete(new Flow(camel, producer));
        LOG.info("MQTT intake: the embedded broker hands devices/+/telemetry to route ingest-broker; a PUBACK means"
                + " stored");
    }

    @Override
    public void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
        PublishPacket publish = input.getPublishPacket();
        if (!isTelemetry(publish.getTopic())) {
            return;
        }
        // interceptors run before HiveMQ checks topic permissions: a device's telemetry is checked as its own here
        String clientId = input.getClientInformation().getClientId();
        if (!publish.getTopic().equals("devices/" + clientId + "/telemetry")) {
            output.preventPublishDelivery(
                    AckReasonCode.NOT_AUTHORIZED,
                    reason(publish.getTopic()
                            + " is not the telemetry topic of device " + clientId + ": publish on devices/" + clientId
                            + "/telemetry"));
            notAuthorized.increment();
            return;
        }
        if (!quota.take(clientId)) {
            output.preventPublishDelivery(
                    AckReasonCode.QUOTA_EXCEEDED,
                    reason("device " + clientId + " sends faster than hub.ingest.quota allows: slow down"));
            overQuota.increment();
            return;
        }
        if (publish.getQos() == Qos.AT_MOST_ONCE) {
            // No PUBACK to hold back. HiveMQ runs one client's interceptor calls one after the other, so waiting for
            // this store would queue the device's next publishes (unbounded at QoS 0) and its next CONNECT behind it.
            output.preventPublishDelivery(AckReasonCode.SUCCESS);
            flow.thenAccept(f -> f.producer().process(exchange(f.camel(), publish), doneSync -> {}));
            return;
        }
        Async<PublishInboundOutput> async =
                output.async(storeTimeout, TimeoutFallback.FAILURE, AckReasonCode.UNSPECIFIED_ERROR, notStoredInTime);
        long startNanos = System.nanoTime();
        flow.thenAccept(f -> {
            Exchange exchange = exchange(f.camel(), publish);
            try {
                f.producer().process(exchange, doneSync -> settle(exchange, async, startNanos));
            } catch (RuntimeException e) {
                exchange.setException(e);
                settle(exchange, async, startNanos);
            }
        });
    }

    private static boolean isTelemetry(String topic) {
        return topic.startsWith("devices/") && topic.endsWith("/telemetry");
    }

    private static Exchange exchange(CamelContext camel, PublishPacket publish) {
        Exchange exchange = new DefaultExchange(camel);
        Message in = exchange.getMessage();
        in.setBody(payload(publish));
        in.setHeader(TOPIC, publish.getTopic());
        publish.getContentType().ifPresent(type -> in.setHeader(TelemetryHeaders.CONTENT_TYPE, type));
        publish.getUserProperties().getFirst("messageId").ifPresent(id -> in.setHeader(MESSAGE_ID, id));
        publish.getUserProperties().getFirst("traceparent").ifPresent(tp -> in.setHeader(TRACEPARENT, tp));
        return exchange;
    }

    /** A publish's payload as bytes (none: empty), leaving HiveMQ's buffer as it was. */
    public static byte[] payload(PublishPacket publish) {
        ByteBuffer payload = publish.getPayload().orElse(null);
        if (payload == null) {
            return new byte[0];
        }
        byte[] bytes = new byte[payload.remaining()];
        payload.duplicate().get(bytes);
        return bytes;
    }

    /** The PUBACK the device gets for what the flow did with its message. */
    private void settle(Exchange exchange, Async<PublishInboundOutput> async, long startNanos) {
        PublishInboundOutput output = async.getOutput();
        Timer answered = sendAgain;
        try {
            Exception failed = exchange.getException();
            // what was caught counts only if it ended as a dead letter: a redelivery that then stored the message
            // (an outage waited out) may leave its exception behind
            boolean deadLettered = exchange.getProperty(DeadLetters.RECORDED, false, Boolean.class);
            Throwable handled =
                    deadLettered ? exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class) : null;
            InvalidTelemetryException invalid = ObjectHelper.getException(InvalidTelemetryException.class, handled);
            if (failed != null) {
                output.preventPublishDelivery(
                        AckReasonCode.UNSPECIFIED_ERROR,
                        reason("FieldHub did not store this message (" + failed.getMessage() + "): send it again"));
            } else if (invalid != null) {
                output.preventPublishDelivery(AckReasonCode.PAYLOAD_FORMAT_INVALID, reason(invalid.getMessage()));
                answered = badInput;
            } else if (handled != null) {
                output.preventPublishDelivery(
                        AckReasonCode.IMPLEMENTATION_SPECIFIC_ERROR,
                        reason("FieldHub could not process this message and kept it as a dead letter: "
                                + handled.getMessage()));
                answered = deadLetter;
            } else {
                output.preventPublishDelivery(AckReasonCode.SUCCESS);
                answered = stored;
            }
        } catch (RuntimeException e) {
            // HiveMQ has already answered the device (the store timeout passed); it was told to send again.
            LOG.debug("MQTT intake: publish settled after HiveMQ had answered it", e);
            answered = sendAgain;
        } finally {
            async.resume();
            answered.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
    }

    private static String reason(String text) {
        return text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS - 3) + "...";
    }
}
