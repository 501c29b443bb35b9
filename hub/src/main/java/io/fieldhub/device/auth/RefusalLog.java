package io.fieldhub.device.auth;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refused devices at most once per interval, with how many were refused in between: a fleet of unknown
 * devices in a reconnect loop must not flood the log.
 */
final class RefusalLog {

    private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);
    private static final long INTERVAL_NANOS = 10_000_000_000L;

    private final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong unlogged = new AtomicLong();

    void refused(Verdict verdict, String channel) {
        long now = System.nanoTime();
        long due = nextLogAt.get();
        if ((due != Long.MIN_VALUE && now - due < 0) || !nextLogAt.compareAndSet(due, now + INTERVAL_NANOS)) {
            unlogged.incrementAndGet();
            return;
        }
        long others = unlogged.getAndSet(0);
        LOG.warn(
                "{} refused device {}: {}{}. Fix: {}",
                channel,
                verdict.deviceId(),
                verdict.outcome(),
                others > 0 ? " (and " + others + " other refusals in the last 10 s)" : "",
                fix(verdict.outcome()));
    }

    private static String fix(Verdict.Outcome outcome) {
        return switch (outcome) {
            case UNKNOWN -> "register it (POST /api/devices, or an enrollment group) or check its id";
            case DISABLED -> "enable it (PUT /api/devices/{id} with \"enabled\": true) if it should connect";
            case BAD_CREDENTIALS -> "give the device a valid credential (POST /api/devices/{id}/credentials)";
            case ACCEPTED -> "nothing";
        };
    }
}
