package io.fieldhub.ingest.gateway;

import java.util.List;

/**
 * One gateway message split into its readings, which travel on together (docs/devices.md#gateways). Every reading
 * carries what a device's own message would: its device, its message id, and its JSON as a device would send it.
 *
 * @param traceId    one trace for the whole message: its readings were sent together
 * @param receivedAt hub time at ingest, ISO-8601, the same for every reading
 * @param readings   the readings of devices the gateway may speak for, in the message's order
 * @param refused    the readings of other devices, each with the reason
 */
public record GatewayBatch(
        String gatewayId,
        String messageId,
        String source,
        String traceId,
        String receivedAt,
        List<Reading> readings,
        List<Reading> refused) {

    /**
     * A reading for {@code deviceId}, the {@code index}-th of its array in the message.
     *
     * @param refusal why the gateway may not publish it; null when it may
     */
    public record Reading(String deviceId, int index, String messageId, byte[] payload, String refusal) {}

    public int size() {
        return readings.size() + refused.size();
    }
}
