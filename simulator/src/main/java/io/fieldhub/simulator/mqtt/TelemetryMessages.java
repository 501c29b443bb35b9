package io.fieldhub.simulator.mqtt;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.fieldhub.simulator.payload.PayloadEncoder;
import io.fieldhub.simulator.payload.Reading;

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
