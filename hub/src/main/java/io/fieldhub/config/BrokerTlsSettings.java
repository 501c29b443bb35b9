package io.fieldhub.config;

import io.fieldhub.embedded.BrokerTls;
import io.fieldhub.embedded.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The broker's TLS listener from {@code hub.mqtt.tls.*}: the operator's keystore, or a self-signed one made once. */
final class BrokerTlsSettings {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerTlsSettings.class);

    private BrokerTlsSettings() {}

    static BrokerTls of(HubProperties.Tls tls, Path generatedDir) {
        try {
            Path keystore;
            String password;
            if (tls.keystore() == null || tls.keystore().isBlank()) {
                SelfSignedCertificate.Made made = SelfSignedCertificate.inDirectory(generatedDir);
                keystore = made.keystore();
                password = made.password();
                LOG.info(
                        "MQTT TLS on {}:{} with a self-signed certificate ({}), SHA-256 fingerprint {}; pin it in"
                                + " devices, or set hub.mqtt.tls.keystore to your own",
                        tls.bindAddress(),
                        tls.port(),
                        keystore,
                        SelfSignedCertificate.fingerprint(keystore, password));
            } else {
                keystore = Path.of(tls.keystore());
                password = tls.keystorePassword();
                LOG.info("MQTT TLS on {}:{} with the certificate in {}", tls.bindAddress(), tls.port(), keystore);
            }
            Path truststore = tls.truststore() == null || tls.truststore().isBlank() ? null : Path.of(tls.truststore());
            return new BrokerTls(
                    tls.bindAddress(),
                    tls.port(),
                    keystore,
                    password,
                    truststore,
                    tls.truststorePassword(),
                    tls.clientAuth());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "MQTT TLS: " + e.getMessage() + ". Fix: check hub.mqtt.tls.keystore, or"
                            + " that the data directory is writable",
                    e);
        }
    }
}
