package io.fieldhub.simulator.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The password each simulated device connects with: read from a credentials file ({@code deviceId,secret} lines,
 * as the hub's demo fleet file has them), or derived from an enrollment group's key as the hub and Azure DPS derive
 * it: {@code Base64(HMAC-SHA256(Base64-decode(groupKey), deviceId))}.
 */
public final class DeviceSecrets {

    private final UnaryOperator<String> secretOf;

    private DeviceSecrets(UnaryOperator<String> secretOf) {
        this.secretOf = secretOf;
    }

    /** The device's password; IllegalArgumentException when a credentials file has none for it. */
    public String of(String deviceId) {
        String secret = secretOf.apply(deviceId);
        if (secret == null) {
            throw new IllegalArgumentException("the credentials file has no secret for device " + deviceId);
        }
        return secret;
    }

    public static DeviceSecrets fromFile(Path file) throws IOException {
        Map<String, String> secrets = new HashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines) {
            int comma = line.indexOf(',');
            if (comma > 0 && !line.startsWith("deviceId,")) {
                secrets.put(
                        line.substring(0, comma).trim(),
                        line.substring(comma + 1).trim());
            }
        }
        return new DeviceSecrets(secrets::get);
    }

    public static DeviceSecrets derivedFrom(String groupKey) {
        SecretKeySpec key = new SecretKeySpec(Base64.getDecoder().decode(groupKey), "HmacSHA256");
        return new DeviceSecrets(deviceId -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                return Base64.getEncoder().encodeToString(mac.doFinal(deviceId.getBytes(StandardCharsets.UTF_8)));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 is not available", e);
            }
        });
    }
}
