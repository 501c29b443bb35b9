package io.fieldhub.rules;

import io.fieldhub.telemetry.TelemetryRecord;
import java.time.Instant;
import java.util.Map;

/** Rule text and readings the engine tests share: a package of their own, and a rule that fires on every reading. */
final class TestRules {

    static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

    static final String HEADER = """
            package t
            import io.fieldhub.rules.Reading
            import io.fieldhub.rules.Device
            global io.fieldhub.rules.Alerts alerts
            """;

    /** Fires on every reading of {@link #hot}: a critical alert per reading. */
    static final String HOT = """
            rule "Hot"
            when
                $r : Reading( metric("temperature") > 90.0 )
            then
                alerts.raise("CRITICAL", "hot", $r, "temperature", 90.0);
            end
            """;

    private TestRules() {}

    /** A reading at 95 degrees, {@code second}s after {@link #T0}. */
    static TelemetryRecord hot(String messageId, String deviceId, int second) {
        Instant ts = T0.plusSeconds(second);
        return new TelemetryRecord(messageId, deviceId, ts, ts, Map.of("temperature", 95.0), Map.of(), "trace");
    }
}
