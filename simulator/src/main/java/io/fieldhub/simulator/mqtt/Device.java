package io.fieldhub.simulator.mqtt;

import com.hivemq.client.mqtt.datatypes.MqttTopic;

/** One simulated device: its id, its own telemetry topic and its message sequence. */
public final class Device {

    private final String id;
    private final String site;
    private final MqttTopic topic;
    /** Advanced only on the thread of the device's connection. */
    private long seq;

    public Device(String id, String site) {
        this.id = id;
        this.site = site;
        this.topic = MqttTopic.of("devices/" + id + "/telemetry");
    }

    public String id() {
        return id;
    }

    public String site() {
        return site;
    }

    public MqttTopic topic() {
        return topic;
    }

    /** The next sequence number, starting at 1. */
    long nextSeq() {
        return ++seq;
    }
}
