package io.fieldhub.archive;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Metric {@code fieldhub.archive.lag}: how long the next row to archive has been stored, in seconds (0 when the
 * archive has caught up). It grows while S3 is down, and while a transaction left open holds the archive's horizon
 * back (docs/architecture.md#every-stored-reading-is-archived); NaN while the database does not answer.
 */
@Component
public class ArchiveLag implements MeterBinder {

    private final ArchiveProgress progress;

    public ArchiveLag(JdbcTemplate jdbc) {
        this.progress = new ArchiveProgress(jdbc);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("fieldhub.archive.lag", this, ArchiveLag::seconds)
                .description("Seconds since the next row to archive was stored")
                .baseUnit("seconds")
                .register(registry);
    }

    /** The gauge's value: what {@code bindTo} reports. */
    public double seconds() {
        try {
            return progress.lagSeconds();
        } catch (DataAccessException e) {
            return Double.NaN;
        }
    }
}
