package io.fieldhub.ingest;

import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import io.fieldhub.device.DeviceChanged;
import io.fieldhub.device.credential.CredentialRevoked;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;

/**
 * The credential each device's live MQTT connection proved itself with, so that revoking the credential, or
 * disabling or deleting the device, closes that connection at once (the device's client id is its id).
 */
public class DeviceSessions {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceSessions.class);
    /** The credential of a connection that used none of its own (a group-derived key, or trial mode). */
    private static final long NO_CREDENTIAL = -1;

    private final Map<String, Long> credentialByDevice = new ConcurrentHashMap<>();
    /**
     * The broker's client service, taken when its extension starts: HiveMQ's {@code Services} is static, and names
     * the newest broker of the JVM, which need not be this one (tests run several).
     */
    private volatile ClientService clients;

    void attach(ClientService clients) {
        this.clients = clients;
    }

    void connected(String deviceId, Long credentialId) {
        credentialByDevice.put(deviceId, credentialId == null ? NO_CREDENTIAL : credentialId);
    }

    @EventListener
    public void revoked(CredentialRevoked revoked) {
        Long used = credentialByDevice.get(revoked.deviceId());
        if (used != null && used == revoked.credentialId()) {
            disconnect(
                    revoked.deviceId(),
                    "its credential " + revoked.credentialId() + " was revoked by " + revoked.actor());
        }
    }

    @EventListener
    public void changed(DeviceChanged change) {
        if (!change.live()) {
            disconnect(change.deviceId(), "the device was " + change.reason());
        }
    }

    private void disconnect(String deviceId, String why) {
        credentialByDevice.remove(deviceId);
        ClientService service = clients;
        if (service == null) {
            return;
        }
        try {
            service.disconnectClient(deviceId, false, DisconnectReasonCode.NOT_AUTHORIZED, why)
                    .whenComplete((wasConnected, failure) -> {
                        if (failure != null) {
                            LOG.warn(
                                    "MQTT: could not disconnect device {} ({}): {}",
                                    deviceId,
                                    why,
                                    failure.getMessage());
                        } else if (wasConnected) {
                            LOG.info("MQTT: disconnected device {}: {}", deviceId, why);
                        }
                    });
        } catch (RuntimeException e) {
            // the change is made; a broker that cannot be asked right now has no session to close either
            LOG.warn("MQTT: could not disconnect device {} ({}): {}", deviceId, why, e.getMessage());
        }
    }
}
