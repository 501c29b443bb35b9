package io.fieldhub.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Deletes archive objects older than {@code hub.retention.archive}, a whole {@code telemetry/date=YYYY-MM-DD/}
 * folder at a time, by the date in the key (device time, UTC). A sweep rather than a bucket lifecycle rule: the
 * embedded S3Proxy has no lifecycle rules (501 Not Implemented), and a sweep works the same on every S3 (docs/retention.md).
 */
public class ArchiveSweep {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveSweep.class);
    private static final String DATE = "telemetry/date=";

    private final S3Client s3;
    private final String bucket;
    private final Clock clock;
    private final Duration keep;

    /** @param keep how long objects are kept (whole days); 0 or null keeps them forever */
    public ArchiveSweep(S3Client s3, String bucket, Clock clock, Duration keep) {
        this.s3 = s3;
        this.bucket = bucket;
        this.clock = clock;
        this.keep = keep;
    }

    /** Deletes the date folders wholly older than the retention. Returns how many objects it deleted. */
    public int sweep() {
        if (RetentionSettings.forever(keep)) {
            return 0;
        }
        LocalDate firstKept =
                LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(keep.toDays());
        int deleted = 0;
        for (String folder : dateFolders()) {
            LocalDate day = day(folder);
            if (day != null && day.isBefore(firstKept)) {
                deleted += delete(folder);
            }
        }
        if (deleted > 0) {
            LOG.info("retention: deleted {} archive objects dated before {} from s3://{}", deleted, firstKept, bucket);
        }
        return deleted;
    }

    private List<String> dateFolders() {
        return s3.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(DATE).delimiter("/")).commonPrefixes().stream()
                .map(CommonPrefix::prefix)
                .toList();
    }

    /** One object at a time: some S3-compatible stores (Google Cloud Storage) have no multi-object delete. */
    private int delete(String folder) {
        List<String> keys = s3.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(folder)).contents().stream()
                .map(S3Object::key)
                .toList();
        keys.forEach(key -> s3.deleteObject(d -> d.bucket(bucket).key(key)));
        return keys.size();
    }

    /** The date of {@code telemetry/date=YYYY-MM-DD/}, or null for a folder the archive did not write. */
    private static LocalDate day(String folder) {
        try {
            return LocalDate.parse(folder.substring(DATE.length(), folder.length() - 1));
        } catch (DateTimeParseException | IndexOutOfBoundsException e) {
            return null;
        }
    }
}
