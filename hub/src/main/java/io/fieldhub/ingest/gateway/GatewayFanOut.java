package io.fieldhub.ingest.gateway;

import static io.fieldhub.ingest.TelemetryHeaders.*;

import io.fieldhub.deadletter.DeadLetters;
import io.fieldhub.ingest.DeviceQuota;
import io.fieldhub.ingest.gateway.GatewayBatch.Reading;
import io.fieldhub.telemetry.InvalidTelemetryException;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;

/**
 * Second step of route {@code ingest-gateway}: hands a gateway message's readings on together and answers once every
 * one is settled. Each reading goes to route {@code ingest-gateway-reading} as its device's own message, all of them
 * before any is waited for, so they share store batches and each device's keep their order on its lane (as do the
 * readings of one gateway's successive messages). A reading of
 * a device the gateway may not speak for is kept as a dead letter with the reason and does not hold up the others.
 * The readings count against their own devices' rates, all or none.
 */
public class GatewayFanOut extends AsyncProcessorSupport {

    /** Where each permitted reading goes, as a device message would (the route then sends it to the backbone). */
    public static final String READING_ENDPOINT = "direct:ingest-gateway-reading";

    private static final String READINGS_METRIC = "fieldhub.gateway.readings";

    private final DeadLetters deadLetters;
    private final DeviceQuota quota;
    private final MeterRegistry meters;
    /** One thread per group of gateways: each gateway's messages are handed on in the order they came. */
    private final ExecutorService[] handOffs;

    private volatile AsyncProducer producer;

    /** {@code threads}: how many gateway messages are handed on at once. */
    public GatewayFanOut(DeadLetters deadLetters, DeviceQuota quota, MeterRegistry meters, int threads) {
        this.deadLetters = deadLetters;
        this.quota = quota;
        this.meters = meters;
        this.handOffs = new ExecutorService[threads];
        for (int i = 0; i < threads; i++) {
            String name = "gateway-handoff-" + i;
            handOffs[i] = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, name);
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        GatewayBatch batch = exchange.getMessage().getBody(GatewayBatch.class);
        Map<String, Integer> perDevice = new LinkedHashMap<>();
        batch.readings().forEach(r -> perDevice.merge(r.deviceId(), 1, Integer::sum));
        var tally = new GatewayTally(batch);
        String overQuota = quota.take(perDevice);
        if (overQuota != null) {
            meters.counter(DeviceQuota.REFUSED_METRIC, "source", "gateway").increment();
            answer(exchange, tally.overQuota(overQuota));
            callback.done(true);
            return true;
        }
        for (Reading refused : batch.refused()) {
            keepRefused(exchange, batch, refused, tally);
        }
        try {
            handOffs[Math.floorMod(batch.gatewayId().hashCode(), handOffs.length)].execute(
                    () -> handOn(exchange, batch, tally, callback));
        } catch (RejectedExecutionException stopping) {
            exchange.setException(stopping);
            callback.done(true);
            return true;
        }
        return false;
    }

    /**
     * Hands every reading on, then waits for all. Runs outside Camel's own threads: there, a reading handed on from
     * inside a route would only be queued (Camel runs such work last in, first out) and the readings would reach
     * their lanes in reverse order; here each goes as far as its device's lane before the next is sent.
     */
    private void handOn(Exchange exchange, GatewayBatch batch, GatewayTally tally, AsyncCallback callback) {
        // one more than the readings: the loop's own share, so the answer waits until every reading was handed on
        AtomicInteger pending = new AtomicInteger(batch.readings().size() + 1);
        Runnable settledAll = () -> {
            answer(exchange, tally.outcome());
            callback.done(false);
        };
        AsyncProducer readings;
        try {
            readings = producer(exchange.getContext());
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(false);
            return;
        }
        for (Reading reading : batch.readings()) {
            Exchange sub = readingExchange(exchange.getContext(), batch, reading);
            AsyncCallback settled = doneSync -> {
                tally.settled(reading, sub);
                if (pending.decrementAndGet() == 0) {
                    settledAll.run();
                }
            };
            try {
                readings.process(sub, settled);
            } catch (RuntimeException e) {
                sub.setException(e);
                settled.done(true);
            }
        }
        if (pending.decrementAndGet() == 0) {
            settledAll.run();
        }
    }

    private void answer(Exchange exchange, GatewayOutcome outcome) {
        Message out = exchange.getMessage();
        out.setBody(outcome);
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, outcome.answer().httpStatus);
        meters.counter(READINGS_METRIC, "outcome", "stored").increment(outcome.stored());
        meters.counter(READINGS_METRIC, "outcome", "not-stored").increment(outcome.notStored());
        outcome.deadLetters()
                .forEach(d -> meters.counter(READINGS_METRIC, "outcome", d.refused() ? "refused" : "dead-letter")
                        .increment());
    }

    /** A refused reading's dead letter, filed under its device with the reason; unwritten, the message goes again. */
    private void keepRefused(Exchange exchange, GatewayBatch batch, Reading reading, GatewayTally tally) {
        Exchange letter = readingExchange(exchange.getContext(), batch, reading);
        letter.setProperty(Exchange.EXCEPTION_CAUGHT, new InvalidTelemetryException(reading.refusal()));
        letter.setProperty(Exchange.FAILURE_ROUTE_ID, exchange.getFromRouteId());
        try {
            deadLetters.record(letter);
            tally.refused(reading);
        } catch (RuntimeException e) {
            letter.setException(e);
            tally.settled(reading, letter);
        }
    }

    /** A reading as the exchange a device's own message would be after ingest (see Ingest). */
    private static Exchange readingExchange(CamelContext camel, GatewayBatch batch, Reading reading) {
        Exchange exchange = new DefaultExchange(camel);
        Message in = exchange.getMessage();
        in.setBody(reading.payload());
        in.setHeader(SOURCE, batch.source());
        in.setHeader(DEVICE_ID, reading.deviceId());
        in.setHeader(RECEIVED_AT, batch.receivedAt());
        in.setHeader(TRACE_ID, batch.traceId());
        in.setHeader(MESSAGE_ID, reading.messageId());
        in.setHeader(MESSAGE_ID_ASSIGNED, "false");
        in.setHeader(CONTENT_TYPE, "application/json");
        return exchange;
    }

    private AsyncProducer producer(CamelContext camel) {
        AsyncProducer p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    try {
                        p = camel.getEndpoint(READING_ENDPOINT + "?block=false").createAsyncProducer();
                    } catch (Exception e) {
                        throw new IllegalStateException(
                                "gateway intake: cannot send to " + READING_ENDPOINT
                                        + " (is routes/ingest-gateway.camel.yaml there?)",
                                e);
                    }
                    ServiceHelper.startService(p);
                    producer = p;
                }
                p = producer;
            }
        }
        return p;
    }

    /** Stops taking gateway messages; those being handed on finish. */
    public void stop() {
        for (ExecutorService handOff : handOffs) {
            handOff.shutdown();
        }
        ServiceHelper.stopService(producer);
    }
}
