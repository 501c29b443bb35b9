package io.fieldhub.simulator.payload;

/** Turns a reading into the bytes a device publishes, with the MQTT 5 content type the hub decodes it by. */
public interface PayloadEncoder {

    String contentType();

    byte[] encode(Reading reading, String site);
}
