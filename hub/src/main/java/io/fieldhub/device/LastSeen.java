package io.fieldhub.device;

import io.fieldhub.telemetry.TelemetryRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each device last sent a stored message ({@code device.last_seen}), written every few seconds for all devices
 * at once rather than once per message. A crash loses at most the last interval of it, which only makes a device look
 * silent a few seconds longer.
 */
public class LastSeen implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LastSeen.class);

    private final DeviceRegistry registry;
    private final ScheduledExecutorService writer;
    private volatile Map<String, Instant> pending = new ConcurrentHashMap<>();

    public LastSeen(DeviceRegistry registry, long intervalMillis) {
        this.registry = registry;
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "device-last-seen");
            t.setDaemon(true);
            return t;
        });
        writer.scheduleWithFixedDelay(this::flush, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Notes the readings of a committed batch (the warm store calls this once per batch). */
    public void saw(List<TelemetryRecord> stored) {
        for (TelemetryRecord r : stored) {
            pending.merge(r.deviceId(), r.receivedAt(), (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    void flush() {
        Map<String, Instant> batch = pending;
        pending = new ConcurrentHashMap<>();
        try {
            registry.seen(batch);
        } catch (RuntimeException e) {
            LOG.warn(
                    "Could not record when {} devices were last seen ({}); will try again",
                    batch.size(),
                    e.getMessage());
            batch.forEach((id, at) -> pending.merge(id, at, (a, b) -> a.isAfter(b) ? a : b));
        }
    }

    @Override
    public void close() {
        writer.shutdown();
        flush();
    }
}
