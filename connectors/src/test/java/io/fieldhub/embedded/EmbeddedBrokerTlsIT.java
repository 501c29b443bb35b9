package io.fieldhub.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.util.TestSocketUtils;

/**
 * A broker that speaks only TLS, on a certificate made by {@link SelfSignedCertificate}: plain MQTT is refused, TLS
 * 1.3 and 1.2 connect.
 */
class EmbeddedBrokerTlsIT {

    @TempDir
    static Path dir;

    static EmbeddedBroker broker;
    static SelfSignedCertificate.Made key;
    static int plainPort;

    @BeforeAll
    static void start() throws IOException {
        key = SelfSignedCertificate.inDirectory(dir.resolve("tls"));
        plainPort = TestSocketUtils.findAvailableTcpPort();
        broker = new EmbeddedBroker(dir.resolve("broker"), "127.0.0.1", plainPort, false)
                .withTls(new BrokerTls(
                        "127.0.0.1",
                        TestSocketUtils.findAvailableTcpPort(),
                        key.keystore(),
                        key.password(),
                        null,
                        null,
                        BrokerTls.ClientAuth.NONE))
                .withoutPlainListener();
        broker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void theCertificateIsMadeOnceAndItsFingerprintStaysTheSame() throws IOException {
        String fingerprint = SelfSignedCertificate.fingerprint(key.keystore(), key.password());
        SelfSignedCertificate.Made again = SelfSignedCertificate.inDirectory(dir.resolve("tls"));

        assertThat(SelfSignedCertificate.fingerprint(again.keystore(), again.password()))
                .isEqualTo(fingerprint);
        assertThat(fingerprint).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    }

    @Test
    void anMqttClientConnectsOverTls() throws Exception {
        var client = new MqttAsyncClient(broker.tlsUrl(), "device-1", new MemoryPersistence());
        var options = new MqttConnectionOptions();
        options.setSocketFactory(tls("TLSv1.3").getSocketFactory());
        client.connect(options).waitForCompletion(10_000);

        assertThat(client.isConnected()).isTrue();
        client.disconnect().waitForCompletion(5_000);
        client.close();
    }

    @Test
    void plainMqttIsRefusedWhenOnlyTlsIsSpoken() throws Exception {
        var client = new MqttAsyncClient("tcp://127.0.0.1:" + plainPort, "device-2", new MemoryPersistence());
        Throwable refused =
                catchThrowable(() -> client.connect(new MqttConnectionOptions()).waitForCompletion(10_000));

        assertThat(refused).isInstanceOf(MqttException.class);
        assertThat(client.isConnected()).isFalse();
        client.close();
    }

    @Test
    void tls13AndTls12AreSpoken() throws Exception {
        String port = broker.tlsUrl().substring(broker.tlsUrl().lastIndexOf(':') + 1);
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            SSLContext context = tls(protocol);
            try (var socket =
                    (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", Integer.parseInt(port))) {
                socket.setEnabledProtocols(new String[] {protocol});
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
            }
        }
    }

    private static SSLContext tls(String protocol) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(key.keystore())) {
            trusted.load(in, key.password().toCharArray());
        }
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance(protocol);
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
