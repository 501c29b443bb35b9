package io.fieldhub.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.util.TestSocketUtils;

/** The broker refuses a packet over the payload limit itself, before the packet is read into memory. */
class EmbeddedBrokerLimitsIT {

    static final int MAX_PAYLOAD = 4 * 1024;

    @TempDir
    static Path dir;

    static EmbeddedBroker broker;
    static int port;

    @BeforeAll
    static void start() {
        port = TestSocketUtils.findAvailableTcpPort();
        broker = new EmbeddedBroker(dir.resolve("broker"), "127.0.0.1", port, false).withMaxPayload(MAX_PAYLOAD);
        broker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aPayloadWithinTheLimitIsTakenAndALargerOneIsRefused() throws Exception {
        var client = new MqttClient(broker.url(), "limits-1", new MemoryPersistence());
        var disconnected = new CompletableFuture<Integer>();
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                disconnected.complete(response.getReturnCode());
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {}

            @Override
            public void messageArrived(String topic, MqttMessage message) {}

            @Override
            public void deliveryComplete(IMqttToken token) {}

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {}

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
        client.connect(new MqttConnectionOptions());
        try {
            client.publish("devices/limits-1/telemetry", new byte[MAX_PAYLOAD], 1, false);

            byte[] oversized = new byte[MAX_PAYLOAD + EmbeddedBroker.PACKET_OVERHEAD_BYTES + 1];
            assertThatThrownBy(() -> client.publish("devices/limits-1/telemetry", oversized, 1, false))
                    .isInstanceOf(MqttException.class);
            assertThat(disconnected.get(10, TimeUnit.SECONDS))
                    .as("DISCONNECT reason code")
                    .isEqualTo(0x95);
        } finally {
            if (client.isConnected()) {
                client.disconnectForcibly(1_000);
            }
            client.close(true);
        }
    }

    /**
     * A client that ignores the limit the CONNACK announced: it declares a 100 MB PUBLISH and the broker disconnects
     * it with 0x95 (packet too large) after the packet's first bytes, without waiting for the rest.
     */
    @Test
    void aClientDeclaringAHugePacketIsDisconnectedWithPacketTooLarge() throws IOException {
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            var in = new DataInputStream(socket.getInputStream());
            // CONNECT, MQTT 5, clean start, keep-alive 60 s, no properties, client id "raw-1"
            out.write(HexFormat.of().parseHex("101200044d5154540502003c000005726177" + "2d31"));
            assertThat(in.readUnsignedByte()).as("CONNACK").isEqualTo(0x20);
            in.skipNBytes(remainingLength(in));
            // PUBLISH QoS 0 announcing 100,000,000 bytes, then only the start of its topic
            out.write(0x30);
            out.write(HexFormat.of().parseHex("80c2d72f"));
            out.write(HexFormat.of().parseHex("001a646576696365732f"));
            out.flush();

            int first = readOrEnd(in);
            if (first != -1) {
                assertThat(first).as("DISCONNECT").isEqualTo(0xE0);
                int length = remainingLength(in);
                assertThat(in.readUnsignedByte()).as("reason code").isEqualTo(0x95);
                in.skipNBytes(length - 1); // its properties: the reason string
            }
            assertThat(readOrEnd(in)).as("the broker closed the connection").isEqualTo(-1);
        }
    }

    private static int readOrEnd(DataInputStream in) throws IOException {
        try {
            return in.readUnsignedByte();
        } catch (EOFException | SocketException e) {
            // closed, or reset by the broker: either way the connection is gone (a timeout is neither)
            return -1;
        }
    }

    private static int remainingLength(DataInputStream in) throws IOException {
        int value = 0;
        int shift = 0;
        int b;
        do {
            b = in.readUnsignedByte();
            value |= (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return value;
    }
}
