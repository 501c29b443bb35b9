package io.fieldhub.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** Device certificates for TLS tests, made with the JDK's keytool, and the TLS client sockets that present them. */
final class TestCertificates {

    static final String PASSWORD = "test-password";

    private TestCertificates() {}

    /** A PKCS12 keystore in {@code dir} with a self-signed certificate for {@code CN=commonName}. */
    static Path deviceKeystore(Path dir, String commonName) throws Exception {
        Path keystore = dir.resolve(commonName + ".p12");
        keytool(
                "-genkeypair",
                "-alias",
                commonName,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=" + commonName,
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                PASSWORD);
        return keystore;
    }

    /** A truststore in {@code dir} holding the certificates of these device keystores. */
    static Path truststore(Path dir, List<Path> deviceKeystores) throws Exception {
        Path truststore = dir.resolve("devices-trust.p12");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (Path device : deviceKeystores) {
            trust.setCertificateEntry(device.getFileName().toString(), certificate(device));
        }
        try (var out = Files.newOutputStream(truststore)) {
            trust.store(out, PASSWORD.toCharArray());
        }
        return truststore;
    }

    static X509Certificate certificate(Path keystore) throws Exception {
        KeyStore store = load(keystore, PASSWORD);
        return (X509Certificate) store.getCertificate(store.aliases().nextElement());
    }

    /** Sockets that trust the broker's certificate and, when {@code deviceKeystore} is set, present the device's. */
    static SSLSocketFactory client(Path brokerKeystore, String brokerPassword, Path deviceKeystore) throws Exception {
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(load(brokerKeystore, brokerPassword));
        var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(deviceKeystore == null ? null : load(deviceKeystore, PASSWORD), PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    private static KeyStore load(Path path, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }
}
