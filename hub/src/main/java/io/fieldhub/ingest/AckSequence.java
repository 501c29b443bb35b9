package io.fieldhub.ingest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts the hub's MQTT acknowledgements back into the order the messages arrived in. The device lanes and the batched
 * warm-store writes finish messages out of order; the broker, for every PUBACK, searches the hub's session queue
 * from its oldest message for the one acknowledged (HiveMQ's file persistence deserialises each entry it passes), so
 * acknowledging out of order cost about a sixth of the hub's CPU at saturation. Here a finished message waits until
 * every message that arrived before it has finished too, and they are acknowledged oldest first.
 *
 * <p>A message that does not finish (its exchange failed, so it must not be acknowledged; or the database is down)
 * must not hold back the others for long: when more than {@code maxHeld} finished messages wait, or the oldest
 * unfinished one arrived before {@link #sweep}'s cutoff, the unfinished ones in front are stepped over (each is
 * acknowledged on its own when it finishes) and the waiting ones go. Not thread safe; {@link OrderedAckMqttClient}
 * holds a lock around it.
 */
final class AckSequence {

    private final int maxHeld;
    private final ArrayDeque<Entry> arrived = new ArrayDeque<>();
    private final Map<Integer, Entry> byPacketId = new HashMap<>();
    private int held;

    private static final class Entry {
        final int packetId;
        final int qos;
        final long arrivedNanos;
        boolean finished;
        boolean steppedOver;

        Entry(int packetId, int qos, long arrivedNanos) {
            this.packetId = packetId;
            this.qos = qos;
            this.arrivedNanos = arrivedNanos;
        }
    }

    /** A PUBACK (or PUBREC) to send: the packet id and the QoS the message came with. */
    record Ack(int packetId, int qos) {}

    AckSequence(int maxHeld) {
        this.maxHeld = maxHeld;
    }

    /** A QoS 1 or 2 message arrived with this packet id, at {@code nanos} ({@link System#nanoTime()}). */
    void arrived(int packetId, int qos, long nanos) {
        Entry entry = new Entry(packetId, qos, nanos);
        arrived.addLast(entry);
        byPacketId.put(packetId, entry);
    }

    /** The message with this packet id is finished; returns what may be acknowledged now, oldest first. */
    List<Ack> finished(int packetId, int qos) {
        Entry entry = byPacketId.get(packetId);
        if (entry == null || entry.steppedOver) {
            // Stepped over, or not seen arriving (from before a reconnect): acknowledge it on its own.
            byPacketId.remove(packetId, entry);
            return List.of(new Ack(packetId, qos));
        }
        entry.finished = true;
        held++;
        List<Ack> acks = new ArrayList<>();
        releaseInOrder(acks);
        if (held > maxHeld) {
            stepOver(true, 0, acks);
        }
        return acks;
    }

    /**
     * Steps over the unfinished messages in front that arrived before {@code cutoffNanos}, when finished ones wait
     * behind them; returns what may be acknowledged now.
     */
    List<Ack> sweep(long cutoffNanos) {
        if (held == 0) {
            return List.of();
        }
        List<Ack> acks = new ArrayList<>();
        stepOver(false, cutoffNanos, acks);
        return acks;
    }

    /** Forgets every message not yet acknowledged: after a reconnect the broker sends them again. */
    void reset() {
        arrived.clear();
        byPacketId.clear();
        held = 0;
    }

    /** Messages arrived and not yet acknowledged (stepped-over ones not counted). */
    int pending() {
        return arrived.size();
    }

    private void stepOver(boolean any, long cutoffNanos, List<Ack> acks) {
        while (held > 0 && !arrived.isEmpty() && (any || arrived.peekFirst().arrivedNanos - cutoffNanos < 0)) {
            Entry first = arrived.pollFirst();
            first.steppedOver = true;
            releaseInOrder(acks);
        }
    }

    private void releaseInOrder(List<Ack> acks) {
        while (!arrived.isEmpty() && arrived.peekFirst().finished) {
            Entry entry = arrived.pollFirst();
            byPacketId.remove(entry.packetId, entry);
            held--;
            acks.add(new Ack(entry.packetId, entry.qos));
        }
    }
}
