package io.fieldhub.ingest;

import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.services.Services;
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
        Services.clientService()
                .disconnectClient(deviceId, false, DisconnectReasonCode.NOT_AUTHORIZED, why)
                .thenAccept(wasConnected -> {
                    if (wasConnected) {
                        LOG.info("MQTT: disconnected device {}: {}", deviceId, why);
                    }
                });
    }
}
