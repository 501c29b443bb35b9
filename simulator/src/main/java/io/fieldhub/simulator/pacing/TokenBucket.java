package io.fieldhub.simulator.pacing;

/**
 * How many messages a connection may send by now at a steady rate. Tokens are counted from a fixed origin rather
 * than added per tick, so late or uneven ticks neither drift nor lose sends: a late tick catches up. The backlog
 * is capped at one second's worth, so a long stall (a full in-flight window, a GC pause) does not end in a burst.
 * Not thread-safe: one connection's scheduler thread owns it.
 */
public final class TokenBucket {

    private final double perSecond;
    private final long capacity;
    private final long originNanos;
    private long issued;

    public TokenBucket(double perSecond, long originNanos) {
        if (!(perSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive, was " + perSecond);
        }
        this.perSecond = perSecond;
        this.capacity = Math.max(1, (long) Math.ceil(perSecond));
        this.originNanos = originNanos;
    }

    /** Takes every whole token available at {@code nowNanos}. */
    public long take(long nowNanos) {
        // From the origin each time, so rounding does not accumulate. The first message is due at the origin,
        // one more at every 1/rate after it: any window [origin, origin + 2 s) at 200/s holds exactly 400.
        long due = (long) ((nowNanos - originNanos) * perSecond / 1_000_000_000d) + 1;
        if (due - issued > capacity) {
            issued = due - capacity;
        }
        long available = Math.max(0, due - issued);
        issued += available;
        return available;
    }

    /** Returns tokens taken but not used, to be sent on a later tick. */
    public void refund(long unused) {
        issued -= unused;
    }
}
