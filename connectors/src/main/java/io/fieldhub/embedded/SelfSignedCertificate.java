package io.fieldhub.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed server certificate for the embedded default's TLS listener, made once in the data directory by the
 * JDK's own {@code keytool} (EC P-256, ten years, for localhost and 127.0.0.1). Production points at the operator's
 * keystore instead.
 */
public final class SelfSignedCertificate {

    /** The keystore and the password it was made with (kept beside it, readable by the hub's user only). */
    public record Made(Path keystore, String password) {}

    private SelfSignedCertificate() {}

    /** The keystore in {@code dir}, made on the first call. */
    public static Made inDirectory(Path dir) throws IOException {
        Path keystore = dir.resolve("broker.p12");
        Path passwordFile = dir.resolve("broker.p12.password");
        if (Files.exists(keystore) && Files.exists(passwordFile)) {
            return new Made(keystore, Files.readString(passwordFile).trim());
        }
        Files.createDirectories(dir);
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.deleteIfExists(passwordFile);
        Files.createFile(
                passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(passwordFile, password);
        keytool(List.of(
                "-genkeypair",
                "-alias",
                "fieldhub",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "3650",
                "-dname",
                "CN=FieldHub embedded broker",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                password));
        return new Made(keystore, password);
    }

    /** The SHA-256 fingerprint of the keystore's first certificate, as {@code AB:CD:...}. */
    public static String fingerprint(Path keystore, String password) throws IOException {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            Certificate certificate = store.getCertificate(store.aliases().nextElement());
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the certificate in " + keystore + ": " + e.getMessage(), e);
        }
    }

    private static void keytool(List<String> arguments) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        var command = new java.util.ArrayList<String>();
        command.add(keytool.toString());
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool could not make the broker's certificate: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making the broker's certificate", e);
        }
    }
}
