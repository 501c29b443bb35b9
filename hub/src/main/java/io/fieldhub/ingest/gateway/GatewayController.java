package io.fieldhub.ingest.gateway;

import io.fieldhub.api.ApiDocs;
import io.fieldhub.device.auth.DeviceAuthenticator;
import io.fieldhub.ingest.HttpDeviceAuth;
import io.fieldhub.ingest.TelemetryHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;
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
 * {@code POST /api/gateways/{gatewayId}/telemetry}, authenticated as the gateway (a device, HTTP Basic): the body is
 * a gateway message, handed to route {@code ingest-gateway}. The answer is a {@link GatewayOutcome}: 202 once every
 * reading the gateway may send is stored (refused ones listed as dead letters), otherwise the status of the worst
 * reading (400, 429, 500, 503); 400 with the reason for a malformed message, 413 over
 * {@code hub.ingest.max-payload-bytes}. A resend with the same {@code Message-Id} stores nothing twice.
 */
@RestController
class GatewayController {

    private final ProducerTemplate producer;
    private final Duration timeout;
    private final int maxPayloadBytes;
    private final HttpDeviceAuth auth;

    GatewayController(
            ProducerTemplate producer,
            @Value("${hub.ingest.http-timeout}") Duration timeout,
            @Value("${hub.ingest.max-payload-bytes}") int maxPayloadBytes,
            DeviceAuthenticator devices) {
        this.producer = producer;
        this.timeout = timeout;
        this.maxPayloadBytes = maxPayloadBytes;
        this.auth = new HttpDeviceAuth(devices);
    }

    @PostMapping(ApiDocs.GATEWAY_INGEST)
    ResponseEntity<?> post(@PathVariable String gatewayId, InputStream request, @RequestHeader HttpHeaders headers)
            throws InterruptedException, IOException {
        var refused =
                auth.refusal(gatewayId, headers.getFirst(HttpHeaders.AUTHORIZATION), "/api/gateways/%s/telemetry");
        if (refused.isPresent()) {
            return refused.get();
        }
        byte[] body = headers.getContentLength() > maxPayloadBytes ? null : request.readNBytes(maxPayloadBytes + 1);
        if (body == null || body.length > maxPayloadBytes) {
            return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE)
                    .body(Map.of(
                            "error",
                            "the body is larger than " + maxPayloadBytes + " bytes (hub.ingest.max-payload-bytes);"
                                    + " send smaller batches",
                            "gatewayId",
                            gatewayId));
        }
        var sent = producer.asyncSend(GatewayBrokerIntake.ENDPOINT, exchange -> {
            var in = exchange.getMessage();
            in.setBody(body);
            in.setHeader(GatewayBatches.GATEWAY_ID, gatewayId);
            in.setHeader(TelemetryHeaders.SOURCE, "http");
            copy(headers, HttpHeaders.CONTENT_TYPE, TelemetryHeaders.CONTENT_TYPE, in);
            copy(headers, "Message-Id", TelemetryHeaders.MESSAGE_ID, in);
            copy(headers, "traceparent", GatewayBatches.TRACEPARENT, in);
        });
        try {
            Exchange done = sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (done.getException() != null) {
                return unavailable(gatewayId, " (" + done.getException().getMessage() + ")");
            }
            Object outcome = done.getMessage().getBody();
            int status = done.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 202, Integer.class);
            var answer = ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON);
            if (status == HttpStatus.TOO_MANY_REQUESTS.value()) {
                answer.header(HttpHeaders.RETRY_AFTER, "1");
            }
            return outcome instanceof GatewayOutcome o
                    ? answer.body(o)
                    : answer.body(done.getMessage().getBody(String.class));
        } catch (TimeoutException | ExecutionException e) {
            return unavailable(gatewayId, " within " + timeout.toSeconds() + " s; it keeps retrying");
        }
    }

    private static ResponseEntity<?> unavailable(String gatewayId, String why) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "5")
                .body(Map.of(
                        "error",
                        "the hub could not store the message of gateway " + gatewayId + why + ". Send it again with"
                                + " the same Message-Id header so that no reading is stored twice"));
    }

    private static void copy(HttpHeaders headers, String name, String header, org.apache.camel.Message in) {
        String value = headers.getFirst(name);
        if (value != null) {
            in.setHeader(header, value);
        }
    }
}
