package io.fieldhub.simulator;

import io.fieldhub.simulator.mqtt.DeviceSecrets;
import io.fieldhub.simulator.payload.PayloadFormat;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One run of the simulator, as the command line set it.
 *
 * @param rate         messages per second over all devices; 0 sends as fast as the broker acknowledges
 * @param maxInflight  publishes awaiting their acknowledgement, over all connections
 * @param duration     how long to send, or null
 * @param count        messages to send in all, or 0 for no limit
 * @param hotShare     share of readings above 90 degrees
 * @param seed         seed of the readings, for a repeatable run
 * @param drainTimeout how long the end of a run waits for outstanding acknowledgements
 * @param giveUpAfter  how long a message may stay unacknowledged, across reconnects, before it is counted as given
 *                     up; zero for never
 * @param secrets      the devices' passwords (each device then has its own connection, client id = device id), or
 *                     null to connect without credentials
 * @param ackedOut     where to write each message acknowledged with 0x00 as a {@code deviceId,messageId} line, or
 *                     null
 * @param gateways     0: each device publishes its own readings; more: the devices sit behind this many gateways,
 *                     one connection each, {@code devices / gateways} per gateway
 * @param batch        with gateways, the readings per gateway message (a message counts once in rate and count)
 */
public record SimulationSettings(
        String url,
        int devices,
        int connections,
        double rate,
        int maxInflight,
        Duration duration,
        long count,
        PayloadFormat format,
        double hotShare,
        String devicePrefix,
        String runId,
        int qos,
        long seed,
        Duration drainTimeout,
        Duration giveUpAfter,
        DeviceSecrets secrets,
        Path ackedOut,
        int gateways,
        int batch) {

    /** The id of gateway {@code n} (from 1): {@code <devicePrefix>-gw-<n>}. */
    public String gatewayId(int n) {
        return devicePrefix + "-gw-" + n;
    }
}
