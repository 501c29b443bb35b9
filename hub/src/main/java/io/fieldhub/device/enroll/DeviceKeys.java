package io.fieldhub.device.enroll;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Device keys derived from an enrollment group's key, as Azure DPS derives them for symmetric-key enrollment
 * groups: {@code Base64(HMAC-SHA256(key = Base64-decode(groupKey), message = deviceId))}. A factory can flash each
 * device with its own key without calling the hub.
 */
public final class DeviceKeys {

    private DeviceKeys() {}

    public static String derive(String groupKey, String deviceId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(groupKey), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(deviceId.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** Whether {@code presented} is the key {@code deviceId} derives from {@code groupKey}, in constant time. */
    public static boolean matches(String groupKey, String deviceId, String presented) {
        byte[] expected = derive(groupKey, deviceId).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented.getBytes(StandardCharsets.US_ASCII));
    }
}
