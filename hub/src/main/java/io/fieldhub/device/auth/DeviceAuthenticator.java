package io.fieldhub.device.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fieldhub.device.Device;
import io.fieldhub.device.DeviceRegistry;
import io.fieldhub.device.DeviceSpec;
import io.fieldhub.device.auth.Verdict.Outcome;
import io.fieldhub.device.credential.Certificates;
import io.fieldhub.device.enroll.EnrollmentGroups;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Checks that a device is who it says, for MQTT (CONNECT) and HTTP ingest alike: by a secret (its own, or the key
 * its enrollment group derives) or by a client certificate. Every check reads the device and its valid credentials
 * from PostgreSQL (one indexed query), so a revocation or a disabled device counts at the next check, on every hub.
 *
 * <p>What is cached is only the slow part: a secret that matched a credential's bcrypt hash is remembered as an
 * HMAC-SHA256 under a key this process drew at random, per credential id. A device reconnecting with the same secret
 * costs an HMAC, not a bcrypt; a revoked credential is no longer among the valid ones the query returns, so its cache
 * entry is never consulted again. No secret is kept in the clear.
 */
public class DeviceAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceAuthenticator.class);

    private record Row(
            boolean enabled,
            String groupId,
            Long credentialId,
            String kind,
            String hash,
            String sha256,
            String subject) {}

    private final JdbcClient jdbc;
    private final PasswordEncoder encoder;
    private final EnrollmentGroups groups;
    private final DeviceRegistry registry;
    private final boolean autoRegister;
    private final Cache<Long, byte[]> verified;
    private final SecretKeySpec cacheKey;
    private final Map<Outcome, Counter> outcomes = new EnumMap<>(Outcome.class);
    private final RefusalLog refusals = new RefusalLog();

    public DeviceAuthenticator(
            JdbcClient jdbc,
            PasswordEncoder encoder,
            EnrollmentGroups groups,
            DeviceRegistry registry,
            boolean autoRegister,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.encoder = encoder;
        this.groups = groups;
        this.registry = registry;
        this.autoRegister = autoRegister;
        this.verified = Caffeine.newBuilder()
                .maximumSize(1_000_000)
                .expireAfterAccess(Duration.ofHours(12))
                .build();
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
        for (Outcome outcome : Outcome.values()) {
            outcomes.put(
                    outcome,
                    Counter.builder("fieldhub.devices.authentications")
                            .tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
                            .description("Device authentications (MQTT CONNECT, HTTP ingest) by outcome")
                            .register(meters));
        }
        if (autoRegister) {
            LOG.warn("hub.devices.auto-register is on: any device that connects is registered, and one without"
                    + " credentials is let in. A trial mode: turn it off before devices you do not control can reach"
                    + " the hub");
        }
    }

    /** A device's secret: its own (bcrypt-hashed) credential, or the key its enrollment group derives. */
    public Verdict secret(String deviceId, String secret, String channel) {
        return counted(checkSecret(deviceId, secret), channel);
    }

    /** A client certificate the TLS listener has verified, matched by thumbprint or subject DN. */
    public Verdict certificate(String deviceId, X509Certificate certificate, String channel) {
        return counted(checkCertificate(deviceId, certificate), channel);
    }

    private Verdict checkSecret(String deviceId, String secret) {
        if (Device.invalidId(deviceId) != null) {
            return Verdict.of(Outcome.UNKNOWN, deviceId);
        }
        List<Row> rows = rows(deviceId);
        if (rows.isEmpty()) {
            if (secret != null && groups.enroll(deviceId, secret).isPresent()) {
                return Verdict.of(Outcome.ACCEPTED, deviceId);
            }
            return autoRegistered(deviceId);
        }
        Row device = rows.get(0);
        if (!device.enabled()) {
            return Verdict.of(Outcome.DISABLED, deviceId);
        }
        if (secret == null) {
            return trialOr(rows, deviceId);
        }
        byte[] digest = digest(deviceId, secret);
        for (Row r : rows) {
            if ("SECRET".equals(r.kind()) && MessageDigest.isEqual(digest, verified.getIfPresent(r.credentialId()))) {
                return new Verdict(Outcome.ACCEPTED, deviceId, r.credentialId());
            }
        }
        for (Row r : rows) {
            if ("SECRET".equals(r.kind()) && encoder.matches(secret, r.hash())) {
                verified.put(r.credentialId(), digest);
                return new Verdict(Outcome.ACCEPTED, deviceId, r.credentialId());
            }
        }
        if (device.groupId() != null && groups.keyMatches(device.groupId(), deviceId, secret)) {
            return Verdict.of(Outcome.ACCEPTED, deviceId);
        }
        return trialOr(rows, deviceId);
    }

    private Verdict checkCertificate(String deviceId, X509Certificate certificate) {
        List<Row> rows = Device.invalidId(deviceId) != null ? List.of() : rows(deviceId);
        if (rows.isEmpty()) {
            return Verdict.of(Outcome.UNKNOWN, deviceId);
        }
        if (!rows.get(0).enabled()) {
            return Verdict.of(Outcome.DISABLED, deviceId);
        }
        String sha256 = Certificates.sha256(certificate);
        String subject = Certificates.subject(certificate);
        for (Row r : rows) {
            if ("X509".equals(r.kind()) && (sha256.equals(r.sha256()) || subject.equals(r.subject()))) {
                return new Verdict(Outcome.ACCEPTED, deviceId, r.credentialId());
            }
        }
        return Verdict.of(Outcome.BAD_CREDENTIALS, deviceId);
    }

    /** Trial mode lets in a registered device that has no credential at all; otherwise: bad credentials. */
    private Verdict trialOr(List<Row> rows, String deviceId) {
        boolean noCredential = rows.size() == 1 && rows.get(0).credentialId() == null;
        return Verdict.of(autoRegister && noCredential ? Outcome.ACCEPTED : Outcome.BAD_CREDENTIALS, deviceId);
    }

    private Verdict autoRegistered(String deviceId) {
        if (!autoRegister) {
            return Verdict.of(Outcome.UNKNOWN, deviceId);
        }
        try {
            registry.create(new DeviceSpec(deviceId, null, null, null, true), "auto-register", null);
        } catch (org.springframework.dao.DuplicateKeyException raced) {
            // another connection of the same device registered it first
        }
        return Verdict.of(Outcome.ACCEPTED, deviceId);
    }

    private List<Row> rows(String deviceId) {
        return jdbc.sql("""
                        select d.enabled, d.group_id, c.id, c.kind, c.secret_hash, c.x509_sha256, c.x509_subject
                        from device d
                        left join device_credential c on c.device_id = d.id and c.revoked_at is null
                        where d.id = ?""")
                .param(deviceId)
                .query((rs, n) -> new Row(
                        rs.getBoolean(1),
                        rs.getString(2),
                        (Long) rs.getObject(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7)))
                .list();
    }

    private Verdict counted(Verdict verdict, String channel) {
        outcomes.get(verdict.outcome()).increment();
        if (!verdict.accepted()) {
            refusals.refused(verdict, channel);
        }
        return verdict;
    }

    private byte[] digest(String deviceId, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(cacheKey);
            mac.update(deviceId.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
