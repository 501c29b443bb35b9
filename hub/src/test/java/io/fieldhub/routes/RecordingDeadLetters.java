package io.fieldhub.routes;

import io.fieldhub.deadletter.DeadLetters;
import io.fieldhub.process.TelemetryDecoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Exchange;

/**
 * Stands in for the {@code deadLetters} bean in route tests: same {@code record(Exchange)} contract and error body,
 * but it keeps the letters in memory instead of PostgreSQL (the real one is covered by the end-to-end tests).
 */
public class RecordingDeadLetters {

    /** What the real bean would store: the failing route, the reason, the ids and the payload as received. */
    public record Letter(String routeId, String reason, String deviceId, String messageId, byte[] payload) {}

    private final List<Letter> letters = new CopyOnWriteArrayList<>();

    public Map<String, Object> record(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        exchange.setProperty(DeadLetters.RECORDED, true);
        String reason = cause == null ? "unknown" : cause.getMessage();
        String deviceId = exchange.getMessage().getHeader("deviceId", String.class);
        String messageId = exchange.getMessage().getHeader("messageId", String.class);
        byte[] payload = exchange.getProperty(TelemetryDecoder.RAW_PAYLOAD, byte[].class);
        if (payload == null && exchange.getMessage().getBody() instanceof byte[] body) {
            payload = body;
        }
        letters.add(new Letter(
                exchange.getProperty(Exchange.FAILURE_ROUTE_ID, String.class), reason, deviceId, messageId, payload));
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("error", reason);
        error.put("deviceId", deviceId);
        error.put("messageId", messageId);
        error.put("deadLetterId", letters.size());
        return error;
    }

    public List<Letter> letters() {
        return List.copyOf(letters);
    }
}
