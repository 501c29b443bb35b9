package io.fieldhub.simulator.mqtt;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.fieldhub.simulator.payload.GatewayBatchEncoder;
import io.fieldhub.simulator.payload.JsonEncoder;
import io.fieldhub.simulator.payload.PayloadEncoder;
import io.fieldhub.simulator.payload.Reading;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a device's telemetry publish. The user property {@code messageId} ({@code <runId>-<deviceId>-<seq>}) is
 * the id the hub stores and deduplicates on; {@code seq} lets a reader check per device that nothing is missing.
 */
final class TelemetryMessages {

    static final String MESSAGE_ID = "messageId";
    static final String SEQ = "seq";

    private final String runId;
    private final MqttQos qos;
    private final PayloadEncoder encoder;

    TelemetryMessages(String runId, MqttQos qos, PayloadEncoder encoder) {
        this.runId = runId;
        this.qos = qos;
        this.encoder = encoder;
    }

    String messageId(Device device, long seq) {
        return runId + "-" + device.id() + "-" + seq;
    }

    /** One reading of a gateway's batch: the device, its sequence and its reading. */
    record Item(Device device, long seq, Reading reading) {}

    String gatewayMessageId(String gatewayId, long seq) {
        return runId + "-" + gatewayId + "-" + seq;
    }

    /** A gateway's batch as a message awaiting its PUBACK, which stands for each of its readings. */
    Outstanding gatewayMessage(String gatewayId, long seq, List<Item> items, long nowNanos) {
        return new Outstanding(
                gatewayId,
                gatewayMessageId(gatewayId, seq),
                items.stream()
                        .map(item -> Map.entry(item.device().id(), messageId(item.device(), item.seq())))
                        .toList(),
                gatewayPublish(gatewayId, seq, items),
                nowNanos);
    }

    /**
     * A gateway's batch on {@code gateways/{gatewayId}/telemetry}: {@code {"engine-1":[{"messageId":…,"ts":…,
     * "metrics":{…}}],…}}, each reading with its own messageId, as a device would number it.
     */
    Mqtt5Publish gatewayPublish(String gatewayId, long seq, List<Item> items) {
        Map<String, List<GatewayBatchEncoder.Entry>> byDevice = new LinkedHashMap<>();
        for (Item item : items) {
            byDevice.computeIfAbsent(item.device().id(), id -> new ArrayList<>())
                    .add(new GatewayBatchEncoder.Entry(
                            messageId(item.device(), item.seq()), item.device().site(), item.reading()));
        }
        return Mqtt5Publish.builder()
                .topic("gateways/" + gatewayId + "/telemetry")
                .qos(qos)
                .payload(GatewayBatchEncoder.encode(byDevice))
                .contentType(JsonEncoder.CONTENT_TYPE)
                .userProperties(Mqtt5UserProperties.of(
                        Mqtt5UserProperty.of(MESSAGE_ID, gatewayMessageId(gatewayId, seq)),
                        Mqtt5UserProperty.of(SEQ, Long.toString(seq))))
                .build();
    }

    Mqtt5Publish publish(Device device, long seq, Reading reading) {
        return Mqtt5Publish.builder()
                .topic(device.topic())
                .qos(qos)
                .payload(encoder.encode(reading, device.site()))
                .contentType(encoder.contentType())
                .userProperties(Mqtt5UserProperties.of(
                        Mqtt5UserProperty.of(MESSAGE_ID, messageId(device, seq)),
                        Mqtt5UserProperty.of(SEQ, Long.toString(seq))))
                .build();
    }
}
