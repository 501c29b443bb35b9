package io.fieldhub.device.credential;

import io.fieldhub.device.DeviceRegistry;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Device credentials (table {@code device_credential}): generated secrets, kept only as a salted hash, and X.509
 * client certificates, kept as thumbprint or subject. Revoking one is announced as {@link CredentialRevoked}.
 */
public class DeviceCredentials {

    /** A secret just made: the only time the API shows it. */
    public record NewSecret(long id, String deviceId, String secret, Instant createdAt) {}

    private static final String COLUMNS =
            "id, device_id, kind, x509_sha256, x509_subject, created_at, created_by," + " revoked_at, revoked_by";
    /** 32 random bytes: a secret nobody can guess, so a hash of it cannot be reversed either. */
    private static final int SECRET_BYTES = 32;

    private final JdbcClient jdbc;
    private final PasswordEncoder encoder;
    private final ApplicationEventPublisher events;
    private final SecureRandom random = new SecureRandom();

    public DeviceCredentials(JdbcClient jdbc, PasswordEncoder encoder, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.encoder = encoder;
        this.events = events;
    }

    /** Makes a new secret for a registered device; the ones it has stay valid until revoked. */
    public NewSecret newSecret(String deviceId, String actor) {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return jdbc.sql("insert into device_credential (device_id, kind, secret_hash, created_by)"
                        + " values (?, 'SECRET', ?, ?) returning id, created_at")
                .params(deviceId, encoder.encode(secret), actor)
                .query((rs, row) ->
                        new NewSecret(rs.getLong(1), deviceId, secret, DeviceRegistry.instant(rs.getTimestamp(2))))
                .single();
    }

    /** Registers a client certificate, by thumbprint and/or subject DN. */
    public Credential addCertificate(String deviceId, String sha256, String subject, String actor) {
        return jdbc.sql("insert into device_credential (device_id, kind, x509_sha256, x509_subject, created_by)"
                        + " values (?, 'X509', ?, ?, ?) returning " + COLUMNS)
                .params(deviceId, sha256, subject, actor)
                .query(DeviceCredentials::credential)
                .single();
    }

    /** A device's credentials, revoked ones included, oldest first. */
    public List<Credential> list(String deviceId) {
        return jdbc.sql("select " + COLUMNS + " from device_credential where device_id = ? order by id")
                .param(deviceId)
                .query(DeviceCredentials::credential)
                .list();
    }

    /** Revokes a credential; false when the device has no such credential still valid. */
    public boolean revoke(String deviceId, long credentialId, String actor) {
        boolean revoked = jdbc.sql("update device_credential set revoked_at = now(), revoked_by = ?"
                                + " where id = ? and device_id = ? and revoked_at is null")
                        .params(actor, credentialId, deviceId)
                        .update()
                == 1;
        if (revoked) {
            events.publishEvent(new CredentialRevoked(deviceId, credentialId, actor));
        }
        return revoked;
    }

    private static Credential credential(ResultSet rs, int row) throws SQLException {
        return new Credential(
                rs.getLong("id"),
                rs.getString("device_id"),
                rs.getString("kind"),
                rs.getString("x509_sha256"),
                rs.getString("x509_subject"),
                DeviceRegistry.instant(rs.getTimestamp("created_at")),
                rs.getString("created_by"),
                DeviceRegistry.instant(rs.getTimestamp("revoked_at")),
                rs.getString("revoked_by"));
    }
}
