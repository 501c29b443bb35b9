package io.fieldhub.retention;

import io.fieldhub.config.HubProperties;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import software.amazon.awssdk.services.s3.S3Client;

/** The beans the retention routes call ({@code routes/retention-*.camel.yaml}), from {@link RetentionSettings}. */
@Configuration(proxyBeanMethods = false)
class RetentionBeans {

    /** The trim routes' cutoffs, the dedupe keys' among them: so a window too short for late readings fails the start. */
    @Bean
    RetentionCutoff retentionCutoff(Clock clock, RetentionSettings retention, HubProperties hub) {
        requireDedupeWindowCoversLateReadings(
                retention.dedupeWindow(), hub.ingest().maxAge(), hub.ingest().maxFutureSkew());
        return new RetentionCutoff(clock);
    }

    @Bean
    TelemetryPartitions telemetryPartitions(
            JdbcTemplate jdbc, TransactionTemplate tx, Clock clock, RetentionSettings retention) {
        return new TelemetryPartitions(jdbc, tx, clock, retention.telemetry(), retention.partitionsAhead());
    }

    @Bean
    ArchiveSweep archiveSweep(S3Client s3, HubProperties hub, Clock clock, RetentionSettings retention) {
        return new ArchiveSweep(s3, hub.s3().bucket(), clock, retention.archive());
    }

    /**
     * A resend is accepted while its device time is at most max-age old (and up to max-future-skew ahead): its key
     * must outlive that, or an accepted resend would be stored twice.
     */
    static void requireDedupeWindowCoversLateReadings(Duration window, Duration maxAge, Duration maxFutureSkew) {
        Duration late = maxAge.plus(maxFutureSkew);
        if (!RetentionSettings.forever(window) && window.compareTo(late) < 0) {
            throw new IllegalStateException("hub.retention.dedupe-window is " + window + ", shorter than"
                    + " hub.ingest.max-age plus hub.ingest.max-future-skew (" + late + "): a resend the hub still"
                    + " accepts would be stored twice. Fix: set hub.retention.dedupe-window to at least " + late);
        }
    }
}
