package io.fieldhub.ingest;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission.MqttActivity;
import com.hivemq.extension.sdk.api.client.parameter.ClientTlsInformation;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import io.fieldhub.device.auth.DeviceAuthenticator;
import io.fieldhub.device.auth.Verdict;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;

/**
 * Who may connect to the embedded broker (docs/devices.md): a device whose MQTT username is its id and whose password
 * is its secret (or which shows a client certificate on the TLS listener), with the client id equal to its id; and
 * the hub's own client. A device may publish only under {@code devices/{itsId}/} and, as a gateway, on
 * {@code gateways/{itsId}/telemetry}, and subscribe only to its own command and desired-twin topics. Checks run on their own threads: a bcrypt must not hold up the broker's.
 */
public class BrokerAuthenticator implements SimpleAuthenticator, AutoCloseable {

    /** The hub's own MQTT client, which may subscribe to and publish on every device's topics. */
    public record HubClient(String clientId, String username, String password) {}

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

    /** Completed once the registry can be asked; the broker starts before it, and a CONNECT meanwhile waits. */
    private final CompletableFuture<DeviceAuthenticator> devices = new CompletableFuture<>();

    private final DeviceSessions sessions;
    private final HubClient hub;
    private final ExecutorService checks;

    /** {@code threads}: how many CONNECTs are checked at once. */
    public BrokerAuthenticator(DeviceSessions sessions, HubClient hub, int threads) {
        this.sessions = sessions;
        this.hub = hub;
        AtomicInteger n = new AtomicInteger();
        this.checks = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "mqtt-auth-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Lets CONNECTs through to the registry's checks. */
    public void ready(DeviceAuthenticator registry) {
        devices.complete(registry);
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }

    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        ConnectPacket connect = input.getConnectPacket();
        Optional<X509Certificate> certificate = input.getConnectionInformation()
                .getClientTlsInformation()
                .flatMap(ClientTlsInformation::getClientCertificate);
        Async<SimpleAuthOutput> async = output.async(
                CHECK_TIMEOUT,
                TimeoutFallback.FAILURE,
                ConnackReasonCode.SERVER_UNAVAILABLE,
                "FieldHub could not check the credentials in time; retry");
        devices.thenAcceptAsync(
                registry -> {
                    try {
                        decide(registry, connect, certificate, output);
                    } catch (RuntimeException e) {
                        output.failAuthentication(
                                ConnackReasonCode.SERVER_UNAVAILABLE,
                                "FieldHub could not check the credentials (" + e.getMessage() + "); retry");
                    } finally {
                        async.resume();
                    }
                },
                checks);
    }

    private void decide(
            DeviceAuthenticator devices,
            ConnectPacket connect,
            Optional<X509Certificate> certificate,
            SimpleAuthOutput output) {
        String clientId = connect.getClientId();
        String password = connect.getPassword().map(BrokerAuthenticator::text).orElse(null);
        if (clientId.equals(hub.clientId())) {
            if (hub.username().equals(connect.getUserName().orElse(null))
                    && password != null
                    && MessageDigest.isEqual(
                            password.getBytes(StandardCharsets.UTF_8),
                            hub.password().getBytes(StandardCharsets.UTF_8))) {
                output.getDefaultPermissions().add(permission("#", MqttActivity.ALL));
                output.authenticateSuccessfully();
            } else {
                output.failAuthentication(
                        ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "client id " + clientId + " is the hub's own");
            }
            return;
        }
        String deviceId = connect.getUserName()
                .orElseGet(
                        () -> certificate.map(BrokerAuthenticator::commonName).orElse(null));
        if (deviceId == null) {
            output.failAuthentication(
                    ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "the MQTT username must be the device id");
            return;
        }
        if (!deviceId.equals(clientId)) {
            output.failAuthentication(
                    ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                    "the client id must be the device id (" + deviceId + ")");
            return;
        }
        Verdict verdict = certificate.isPresent() && password == null
                ? devices.certificate(deviceId, certificate.get(), "MQTT")
                : devices.secret(deviceId, password, "MQTT");
        switch (verdict.outcome()) {
            case ACCEPTED -> {
                grant(output.getDefaultPermissions(), deviceId);
                sessions.connected(deviceId, verdict.credentialId());
                output.authenticateSuccessfully();
            }
            case BAD_CREDENTIALS ->
                output.failAuthentication(
                        ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad credentials for device " + deviceId);
            case UNKNOWN ->
                output.failAuthentication(
                        ConnackReasonCode.NOT_AUTHORIZED, "device " + deviceId + " is not registered");
            case DISABLED ->
                output.failAuthentication(ConnackReasonCode.NOT_AUTHORIZED, "device " + deviceId + " is disabled");
        }
    }

    /** A device's own topics (device ids hold no MQTT wildcard, see Device.ID). */
    private static void grant(ModifiableDefaultPermissions permissions, String deviceId) {
        String own = "devices/" + deviceId + "/";
        permissions.add(permission(own + "telemetry", MqttActivity.PUBLISH));
        permissions.add(permission(own + "twin/reported", MqttActivity.PUBLISH));
        permissions.add(permission(own + "commands/+/response", MqttActivity.PUBLISH));
        permissions.add(permission(own + "commands/+", MqttActivity.SUBSCRIBE));
        // any device may act as a gateway; whose readings it may carry is the registry's via (docs/devices.md#gateways)
        permissions.add(permission("gateways/" + deviceId + "/telemetry", MqttActivity.PUBLISH));
        permissions.add(permission(own + "twin/desired", MqttActivity.SUBSCRIBE));
    }

    private static TopicPermission permission(String filter, MqttActivity activity) {
        return Builders.topicPermission()
                .topicFilter(filter)
                .type(TopicPermission.PermissionType.ALLOW)
                .activity(activity)
                .build();
    }

    private static String text(ByteBuffer bytes) {
        return StandardCharsets.UTF_8.decode(bytes.duplicate()).toString();
    }

    /** The CN of a certificate's subject: a device's id when it connects with a certificate and no username. */
    private static String commonName(X509Certificate certificate) {
        try {
            return new LdapName(certificate.getSubjectX500Principal().getName())
                    .getRdns().stream()
                            .filter(rdn -> rdn.getType().equalsIgnoreCase("CN"))
                            .map(rdn -> rdn.getValue().toString())
                            .findFirst()
                            .orElse(null);
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
