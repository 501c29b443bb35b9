package io.fieldhub.device.credential;

import java.time.Instant;

/**
 * One way a device proves who it is; a device may have several at once, so that a key can be rotated. The API
 * shows what identifies it, never a secret or its hash.
 *
 * @param kind   {@code SECRET} (MQTT password / HTTP Basic) or {@code X509} (client certificate on TLS)
 * @param sha256 an X.509 credential's certificate thumbprint (lower-case hex SHA-256 of the DER form), or null
 * @param subject an X.509 credential's subject DN, or null
 */
public record Credential(
        long id,
        String deviceId,
        String kind,
        String sha256,
        String subject,
        Instant createdAt,
        String createdBy,
        Instant revokedAt,
        String revokedBy) {}
