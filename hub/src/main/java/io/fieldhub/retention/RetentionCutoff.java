package io.fieldhub.retention;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.convert.DurationStyle;

/** For the trim routes: the time before which rows go, for a period written as in config/application.yaml. */
public class RetentionCutoff {

    private final Clock clock;

    public RetentionCutoff(Clock clock) {
        this.clock = clock;
    }

    /**
     * Now minus {@code keep} ({@code 30d}, {@code 12h}; read as Spring reads the typed settings), or null when
     * {@code keep} is 0 or empty: those rows are kept forever.
     */
    public Timestamp before(String keep) {
        Duration period = keep == null || keep.isBlank() ? null : DurationStyle.detectAndParse(keep.trim());
        return RetentionSettings.forever(period)
                ? null
                : Timestamp.from(clock.instant().minus(period));
    }
}
