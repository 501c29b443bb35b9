package io.fieldhub.simulator.stats;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/** What happened to the messages of a run; written concurrently by the sending and the acknowledging threads. */
public final class RunStats {

    private final LongAdder sent = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final LongAdder hot = new LongAdder();
    private final LongAdder givenUp = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder resends = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    /** Microseconds from publish to acknowledgement; auto-resizing, so a minute-long stall is recorded too. */
    private final ConcurrentHistogram latency = new ConcurrentHistogram(3);

    public void sent(boolean hotReading) {
        sent.increment();
        if (hotReading) {
            hot.increment();
        }
    }

    public void acked(long latencyNanos) {
        latency.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(latencyNanos)));
        acked.increment();
    }

    /** A publish that failed: a PUBACK reason code such as {@code QUOTA_EXCEEDED}, or the client's exception. */
    public void failed(String reason) {
        errors.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** A message that stayed unacknowledged for {@code --give-up-after}; each message is counted once. */
    public void givenUp() {
        givenUp.increment();
    }

    public void reconnected() {
        reconnects.increment();
    }

    public void resent() {
        resends.increment();
    }

    public Counts counts() {
        // Outcomes are read before sent, so in flight never comes out negative.
        long ackedNow = acked.sum();
        long errorsNow = errors.values().stream().mapToLong(LongAdder::sum).sum();
        long givenUpNow = givenUp.sum();
        return new Counts(sent.sum(), ackedNow, errorsNow, hot.sum(), givenUpNow, reconnects.sum(), resends.sum());
    }

    public Map<String, Long> errorsByReason() {
        Map<String, Long> byReason = new TreeMap<>();
        errors.forEach((reason, count) -> byReason.put(reason, count.sum()));
        return byReason;
    }

    public Histogram latency() {
        return latency.copy();
    }
}
