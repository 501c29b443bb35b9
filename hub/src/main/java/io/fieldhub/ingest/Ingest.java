package io.fieldhub.ingest;

import static io.fieldhub.ingest.TelemetryHeaders.*;

import io.fieldhub.device.Device;
import io.fieldhub.telemetry.InvalidTelemetryException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Constants;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * First step of both ingest routes: names the device, the message and the trace, and leaves the payload as the
 * device sent it. Decoding happens after the backbone, so the backbone carries the original bytes.
 */
public class Ingest {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}");

    private final Clock clock;

    public Ingest(Clock clock) {
        this.clock = clock;
    }

    /** An MQTT 5 publish on {@code devices/{deviceId}/telemetry}; ids may come as user properties. */
    public void mqtt(Exchange exchange) {
        Message in = exchange.getMessage();
        String deviceId = deviceOf(in.getHeader(PahoMqtt5Constants.MQTT_TOPIC, String.class));
        MqttProperties props = in.getHeader(PahoMqtt5Constants.CAMEL_PAHO_MSG_PROPERTIES, MqttProperties.class);
        List<UserProperty> user = props == null ? List.of() : props.getUserProperties();
        in.removeHeaders("Camel*");
        accept(
                exchange,
                "mqtt",
                deviceId,
                props == null ? null : props.getContentType(),
                userProperty(user, "messageId"),
                userProperty(user, "traceparent"));
    }

    /** A publish the embedded broker handed over ({@link BrokerIntake}): the same as {@link #mqtt}. */
    public void broker(Exchange exchange) {
        Message in = exchange.getMessage();
        String deviceId = deviceOf(in.getHeader(BrokerIntake.TOPIC, String.class));
        String contentType = in.getHeader(CONTENT_TYPE, String.class);
        String messageId = in.getHeader(BrokerIntake.MESSAGE_ID, String.class);
        String traceparent = in.getHeader(BrokerIntake.TRACEPARENT, String.class);
        in.removeHeaders("*");
        accept(exchange, "mqtt", deviceId, contentType, messageId, traceparent);
    }

    /** {@code POST /api/devices/{deviceId}/telemetry}; ids may come as {@code Message-Id} and {@code traceparent}. */
    public void http(Exchange exchange) {
        Message in = exchange.getMessage();
        String contentType = in.getHeader(CONTENT_TYPE, String.class);
        String messageId = in.getHeader("Message-Id", String.class);
        String traceparent = in.getHeader("traceparent", String.class);
        String deviceId = in.getHeader(DEVICE_ID, String.class);
        in.removeHeaders("*");
        accept(exchange, "http", deviceId, contentType, messageId, traceparent);
    }

    /** The 202 answer: which message was accepted for which device. */
    public java.util.Map<String, String> accepted(Exchange exchange) {
        Message in = exchange.getMessage();
        return java.util.Map.of(
                MESSAGE_ID, in.getHeader(MESSAGE_ID, String.class), DEVICE_ID, in.getHeader(DEVICE_ID, String.class));
    }

    private void accept(
            Exchange exchange,
            String source,
            String deviceId,
            String contentType,
            String messageId,
            String traceparent) {
        Message in = exchange.getMessage();
        byte[] payload = in.getBody(byte[].class);
        in.setBody(payload == null ? new byte[0] : payload);
        in.setHeader(SOURCE, source);
        in.setHeader(DEVICE_ID, deviceId);
        in.setHeader(RECEIVED_AT, clock.instant().toString());
        in.setHeader(TRACE_ID, traceId(traceparent));
        in.setHeader(MESSAGE_ID_ASSIGNED, String.valueOf(messageId == null || messageId.isBlank()));
        in.setHeader(
                MESSAGE_ID,
                messageId == null || messageId.isBlank() ? UUID.randomUUID().toString() : messageId);
        if (contentType != null) {
            in.setHeader(CONTENT_TYPE, contentType);
        }
        String invalid = Device.invalidId(deviceId);
        if (invalid != null) {
            throw new InvalidTelemetryException(invalid + ", in the topic devices/{deviceId}/telemetry or the URL");
        }
    }

    /** The {@code {deviceId}} of {@code devices/{deviceId}/telemetry}, or null. */
    private static String deviceOf(String topic) {
        String[] levels = topic.split("/");
        return levels.length == 3 ? levels[1] : null;
    }

    private static String userProperty(List<UserProperty> properties, String key) {
        return properties.stream()
                .filter(p -> key.equals(p.getKey()))
                .map(UserProperty::getValue)
                .findFirst()
                .orElse(null);
    }

    /** The trace id of a W3C {@code traceparent}, or a new one. */
    public static String traceId(String traceparent) {
        if (traceparent != null) {
            var m = TRACEPARENT.matcher(traceparent.trim());
            if (m.matches()) {
                return m.group(1);
            }
        }
        return UUID.randomUUID().toString().replace("-", "");
    }
}
