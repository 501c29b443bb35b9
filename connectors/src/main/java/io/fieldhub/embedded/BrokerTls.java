package io.fieldhub.embedded;

import java.nio.file.Path;

/**
 * The embedded broker's TLS listener: TLS 1.3 and 1.2 only, the server key in {@code keystore} (PKCS12 or JKS), and
 * client certificates checked against {@code truststore} as {@code clientAuth} says.
 *
 * @param truststore null when no client certificate is asked for ({@code clientAuth} NONE)
 */
public record BrokerTls(
        String bindAddress,
        int port,
        Path keystore,
        String keystorePassword,
        Path truststore,
        String truststorePassword,
        ClientAuth clientAuth) {

    /** Whether a client must, may or need not show a certificate the truststore vouches for. */
    public enum ClientAuth {
        NONE,
        OPTIONAL,
        REQUIRED
    }

    public BrokerTls {
        if (clientAuth != ClientAuth.NONE && truststore == null) {
            throw new IllegalArgumentException("client certificates (" + clientAuth + ") need a truststore:"
                    + " set hub.mqtt.tls.truststore to the CA or device certificates to accept");
        }
    }
}
