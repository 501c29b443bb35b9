package io.fieldhub.ingest;

import io.fieldhub.device.auth.DeviceAuthenticator;
import io.fieldhub.device.auth.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * HTTP ingest's device authentication: HTTP Basic with the device id as user and its secret (or group-derived key)
 * as password, over HTTPS in production. 401 without valid credentials, 403 for a device that is unknown or
 * disabled, or that posts under another device's URL.
 */
public class HttpDeviceAuth {

    private static final String CHALLENGE = "Basic realm=\"FieldHub devices\", charset=\"UTF-8\"";

    private final DeviceAuthenticator devices;

    public HttpDeviceAuth(DeviceAuthenticator devices) {
        this.devices = devices;
    }

    /** The refusal to answer, or empty when the caller is device {@code deviceId}. */
    Optional<ResponseEntity<Map<String, String>>> refusal(String deviceId, String authorization) {
        return refusal(deviceId, authorization, "/api/devices/%s/telemetry");
    }

    /** As {@link #refusal(String, String)}; {@code ownUrl} formats the URL the caller should post to instead. */
    public Optional<ResponseEntity<Map<String, String>>> refusal(String deviceId, String authorization, String ownUrl) {
        String[] credentials = basic(authorization);
        if (credentials == null) {
            return Optional.of(unauthorized("send the device id and its secret with HTTP Basic authentication"));
        }
        if (!credentials[0].equals(deviceId)) {
            return Optional.of(forbidden("device " + credentials[0] + " cannot post telemetry as " + deviceId
                    + ": post to " + ownUrl.formatted(credentials[0])));
        }
        Verdict verdict = devices.secret(deviceId, credentials[1], "HTTP");
        return switch (verdict.outcome()) {
            case ACCEPTED -> Optional.empty();
            case BAD_CREDENTIALS -> Optional.of(unauthorized("bad credentials for device " + deviceId));
            case UNKNOWN -> Optional.of(forbidden("device " + deviceId + " is not registered"));
            case DISABLED -> Optional.of(forbidden("device " + deviceId + " is disabled"));
        };
    }

    /** {@code [user, password]} of a Basic header, or null. */
    private static String[] basic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 1 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static ResponseEntity<Map<String, String>> unauthorized(String message) {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE)
                .body(Map.of("error", message));
    }

    private static ResponseEntity<Map<String, String>> forbidden(String message) {
        return ResponseEntity.status(HttpStatus.FORBIDDEN).body(Map.of("error", message));
    }
}
