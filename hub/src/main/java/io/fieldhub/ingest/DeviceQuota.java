package io.fieldhub.ingest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Each device's message rate (docs/architecture.md#quotas): a token bucket per device that refills at
 * {@code hub.ingest.quota.messages-per-second} and holds at most {@code hub.ingest.quota.burst}. A message beyond it
 * is refused at the edge (PUBACK 0x97, HTTP 429), so one flooding device cannot take the others' share of the hub.
 * A device's bucket is forgotten after ten quiet minutes; it comes back full.
 */
public class DeviceQuota {

    /** Messages refused for their device's rate, by {@code source} (mqtt, http). */
    public static final String REFUSED_METRIC = "fieldhub.ingest.over-quota";

    private final Bandwidth limit;
    private final Cache<String, Bucket> buckets;

    /** {@code messagesPerSecond} 0: no limit. */
    public DeviceQuota(int messagesPerSecond, int burst) {
        this.limit = messagesPerSecond <= 0
                ? null
                : Bandwidth.builder()
                        .capacity(Math.max(burst, 1))
                        .refillGreedy(messagesPerSecond, Duration.ofSeconds(1))
                        .build();
        this.buckets =
                Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).build();
    }

    /** Takes one message from the device's bucket; false when the device is over its rate. */
    public boolean take(String deviceId) {
        if (limit == null) {
            return true;
        }
        return buckets.get(deviceId, id -> Bucket.builder().addLimit(limit).build())
                .tryConsume(1);
    }

    /**
     * Takes {@code readings.get(id)} messages from each device's bucket, all or none (a gateway's batch counts each
     * reading against its own device); returns the first device over its rate, or null when all were taken.
     */
    public String take(Map<String, Integer> readings) {
        if (limit == null) {
            return null;
        }
        Map<Bucket, Integer> taken = new HashMap<>();
        for (var device : readings.entrySet()) {
            Bucket bucket = buckets.get(
                    device.getKey(), id -> Bucket.builder().addLimit(limit).build());
            if (!bucket.tryConsume(device.getValue())) {
                taken.forEach((b, n) -> b.addTokens(n));
                return device.getKey();
            }
            taken.put(bucket, device.getValue());
        }
        return null;
    }

    public boolean limited() {
        return limit != null;
    }
}
