package io.fieldhub.process;

import io.fieldhub.telemetry.InvalidTelemetryException;
import io.fieldhub.telemetry.TelemetryRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Checks a decoded record against the hub's limits: names, counts, finite values and a plausible device time. */
public class TelemetryValidator {

    private final int maxMetrics;
    private final Duration maxFutureSkew;
    private final Duration maxAge;
    private final Clock clock;

    public TelemetryValidator(int maxMetrics, Duration maxFutureSkew, Duration maxAge, Clock clock) {
        this.maxMetrics = maxMetrics;
        this.maxFutureSkew = maxFutureSkew;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** 1-64 letters, digits, '_', '.' or '-' (a loop: a regular expression was 2 % of the hub's CPU). */
    static boolean isMetricName(String name) {
        int length = name.length();
        if (length == 0 || length > 64) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '_'
                    || c == '.'
                    || c == '-';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    public TelemetryRecord validate(TelemetryRecord record) {
        if (record.messageId().length() > 128 || hasControl(record.messageId())) {
            throw new InvalidTelemetryException("messageId must be at most 128 printable characters");
        }
        record.tags().forEach((key, value) -> {
            if (key.length() > 64 || value.length() > 256 || hasControl(key) || hasControl(value)) {
                throw new InvalidTelemetryException("tag '" + key.replaceAll("\\p{Cntrl}", "?")
                        + "' must have a name of at most 64 and a value of at most 256 printable characters");
            }
        });
        if (record.metrics().size() > maxMetrics) {
            throw new InvalidTelemetryException(record.metrics().size() + " metrics in one message; the limit is "
                    + maxMetrics + " (hub.ingest.max-metrics)");
        }
        record.metrics().forEach((name, value) -> {
            if (!isMetricName(name)) {
                throw new InvalidTelemetryException(
                        "metric name '" + name + "' is not valid: use 1-64 letters, digits, '_', '.' or '-'");
            }
            if (value.isNaN() || value.isInfinite()) {
                throw new InvalidTelemetryException("metric '" + name + "' is not a finite number");
            }
        });
        Instant now = clock.instant();
        if (record.ts().isAfter(now.plus(maxFutureSkew))) {
            throw new InvalidTelemetryException("device time " + record.ts() + " is more than " + maxFutureSkew
                    + " ahead of hub time " + now + "; fix the device clock (NTP) or raise hub.ingest.max-future-skew");
        }
        if (record.ts().isBefore(now.minus(maxAge))) {
            throw new InvalidTelemetryException("device time " + record.ts() + " is older than " + maxAge
                    + "; fix the device clock (NTP) or raise hub.ingest.max-age");
        }
        return record;
    }
}
