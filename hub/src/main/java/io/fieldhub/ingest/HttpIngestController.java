package io.fieldhub.ingest;

import io.fieldhub.device.auth.DeviceAuthenticator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/devices/{deviceId}/telemetry}, authenticated as that device ({@link HttpDeviceAuth}): hands the
 * request to the {@code ingest-http} route and answers with what the route decided: 202 once stored, 400 with the
 * reason for bad input, 500 with the cause and the fix when storing fails permanently (the message is kept as a dead
 * letter). A body over {@code hub.ingest.max-payload-bytes} gets 413 and is never read whole. When the stores are
 * down it answers 503 after {@code hub.ingest.http-timeout}; the message is still retried, and a client that resends
 * with the same {@code Message-Id} header is never stored twice.
 */
@RestController
class HttpIngestController {

    private final ProducerTemplate producer;
    private final Duration timeout;
    private final int maxPayloadBytes;
    private final HttpDeviceAuth auth;
    private final Counter tooLarge;
    private final DeviceQuota quota;
    private final Counter overQuota;

    HttpIngestController(
            ProducerTemplate producer,
            @Value("${hub.ingest.http-timeout}") Duration timeout,
            @Value("${hub.ingest.max-payload-bytes}") int maxPayloadBytes,
            DeviceAuthenticator devices,
            DeviceQuota quota,
            MeterRegistry meters) {
        this.quota = quota;
        this.overQuota = meters.counter(DeviceQuota.REFUSED_METRIC, "source", "http");
        this.producer = producer;
        this.timeout = timeout;
        this.maxPayloadBytes = maxPayloadBytes;
        this.auth = new HttpDeviceAuth(devices);
        this.tooLarge = meters.counter("fieldhub.ingest.refused", "reason", "too-large", "source", "http");
    }

    @PostMapping("/api/devices/{deviceId}/telemetry")
    ResponseEntity<?> post(@PathVariable String deviceId, InputStream request, @RequestHeader HttpHeaders headers)
            throws InterruptedException, IOException {
        var refused = auth.refusal(deviceId, headers.getFirst(HttpHeaders.AUTHORIZATION));
        if (refused.isPresent()) {
            return refused.get();
        }
        if (!quota.take(deviceId)) {
            overQuota.increment();
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .header(HttpHeaders.RETRY_AFTER, "1")
                    .body(Map.of(
                            "error",
                            "device " + deviceId + " sends faster than hub.ingest.quota allows: slow down",
                            "deviceId",
                            deviceId));
        }
        // read at most one byte past the limit: a larger body is refused before it is held in memory
        byte[] body = headers.getContentLength() > maxPayloadBytes ? null : request.readNBytes(maxPayloadBytes + 1);
        if (body == null || body.length > maxPayloadBytes) {
            tooLarge.increment();
            return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE)
                    .body(Map.of(
                            "error",
                            "the body is larger than " + maxPayloadBytes + " bytes (hub.ingest.max-payload-bytes);"
                                    + " send smaller messages",
                            "deviceId",
                            deviceId));
        }
        CompletableFuture<Exchange> sent = producer.asyncSend("direct:ingest-http", exchange -> {
            var in = exchange.getMessage();
            in.setBody(body);
            in.setHeader(TelemetryHeaders.DEVICE_ID, deviceId);
            copy(headers, HttpHeaders.CONTENT_TYPE, in);
            copy(headers, "Message-Id", in);
            copy(headers, "traceparent", in);
        });
        try {
            Exchange done = sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (done.getException() != null) {
                // neither stored nor kept as a dead letter (the hub is stopping, or the dead letter failed too)
                return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                        .header(HttpHeaders.RETRY_AFTER, "5")
                        .body(Map.of(
                                "error",
                                "the hub could not store the message for device " + deviceId + " ("
                                        + done.getException().getMessage() + "); send it again with the same"
                                        + " Message-Id header so that it is stored once"));
            }
            int status = done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 202, Integer.class);
            return ResponseEntity.status(status)
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(done.getMessage().getBody(String.class));
        } catch (TimeoutException | ExecutionException e) {
            return unavailable(deviceId);
        }
    }

    private ResponseEntity<?> unavailable(String deviceId) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "5")
                .body(Map.of(
                        "error",
                        "the hub could not store the message for device " + deviceId + " within "
                                + timeout.toSeconds() + " s; it keeps retrying. Resend with the same Message-Id header "
                                + "so the message is stored once"));
    }

    private static void copy(HttpHeaders headers, String name, org.apache.camel.Message in) {
        String value = headers.getFirst(name);
        if (value != null) {
            in.setHeader(name, value);
        }
    }
}
