package io.fieldhub.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The day partitions of the telemetry table (by {@code stored_at}, UTC; docs/retention.md): made ahead of time, and
 * dropped whole once their day is past the retention and the cold archive holds every row of them.
 *
 * <p>Both take a transaction-level advisory lock, so hubs sharing one database take turns.
 */
public class TelemetryPartitions {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryPartitions.class);

    /**
     * The advisory lock key of partition maintenance ("fhparts" in ASCII): taken alone here, shared by the archive
     * while it reads rows ({@code ArchiveProgress}), since a row moving from the default partition into its new day
     * partition is, for an instant, in neither to a query planned before the move and run after it.
     */
    public static final long LOCK = 0x6668706172747300L;

    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'telemetry_p'yyyyMMdd");

    // Partitions are found by name: telemetry_partition(day) in the V12 migration makes them, and only it.
    private static final String PARTITIONS = """
            select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid
            where i.inhparent = 'telemetry'::regclass and c.relname ~ '^telemetry_p[0-9]{8}$'
            order by c.relname""";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Duration keep;
    private final int ahead;

    /**
     * @param keep  how long readings are kept (whole days); 0 or null keeps them forever
     * @param ahead how many days after today get their partition in advance
     */
    public TelemetryPartitions(JdbcTemplate jdbc, TransactionTemplate tx, Clock clock, Duration keep, int ahead) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
        this.keep = keep;
        this.ahead = ahead;
    }

    /**
     * Makes the partitions of today and the next days, and of any day whose rows wait in the default partition
     * (which then move into it). Returns the names of the partitions it made.
     */
    public List<String> prepare() {
        List<String> made;
        try {
            made = tx.execute(status -> {
                lockBriefly();
                TreeSet<LocalDate> days = new TreeSet<>(jdbc.queryForList(
                        "select distinct (stored_at at time zone 'UTC')::date from telemetry_default",
                        LocalDate.class));
                LocalDate today = today();
                for (int i = 0; i <= ahead; i++) {
                    days.add(today.plusDays(i));
                }
                List<String> existing = partitions();
                List<String> created = new ArrayList<>();
                for (LocalDate day : days) {
                    String name = jdbc.queryForObject("select telemetry_partition(?)", String.class, day);
                    if (!existing.contains(name)) {
                        created.add(name);
                    }
                }
                return created;
            });
        } catch (PessimisticLockingFailureException e) {
            LOG.info("retention: telemetry is busy, its partitions are made at the next run ({})", e.getMessage());
            return List.of();
        }
        if (!made.isEmpty()) {
            LOG.info("retention: made telemetry partitions {}", made);
        }
        return made;
    }

    /**
     * Detaches and drops each partition whose whole day is older than the retention, oldest first, as long as the
     * archive watermark covers its highest id. It stops at the first one that still holds unarchived rows: ids grow
     * with the days, so the later ones hold some too. Returns the names of the partitions it dropped.
     */
    public List<String> dropArchived() {
        if (RetentionSettings.forever(keep)) {
            return List.of();
        }
        LocalDate firstKept = today().minusDays(keep.toDays());
        List<String> dropped = new ArrayList<>();
        try {
            for (String name : partitions()) {
                if (!day(name).isBefore(firstKept) || !Boolean.TRUE.equals(tx.execute(status -> drop(name)))) {
                    break;
                }
                dropped.add(name);
            }
        } catch (PessimisticLockingFailureException e) {
            LOG.info("retention: telemetry is busy, old partitions are dropped at the next run ({})", e.getMessage());
        }
        if (!dropped.isEmpty()) {
            LOG.info(
                    "retention: dropped telemetry partitions {}: older than {} days and archived",
                    dropped,
                    keep.toDays());
        }
        return dropped;
    }

    /** In its own transaction: whether the partition was archived whole and is gone. */
    private boolean drop(String name) {
        lockBriefly();
        long watermark =
                jdbc.queryForObject("select last_id from archive_watermark where stream = 'telemetry'", Long.class);
        Long highest = jdbc.queryForObject("select max(id) from " + quoted(name), Long.class);
        if (highest != null && highest > watermark) {
            LOG.info(
                    "retention: telemetry partition {} is past its retention but waits for the archive (row {},"
                            + " archived up to {})",
                    name,
                    highest,
                    watermark);
            return false;
        }
        // and by the archive's own position, in (xid, id) order: a row of the partition after it is not archived
        // yet, whatever last_id says (a CI run once dropped three such rows)
        Long waiting = jdbc.queryForObject(
                "select count(*) from " + quoted(name) + " p, archive_watermark w where w.stream = 'telemetry'"
                        + " and (p.xid, p.id) > (w.archived_xid, w.archived_id)",
                Long.class);
        if (waiting != null && waiting > 0) {
            LOG.warn(
                    "retention: telemetry partition {} is past its retention but {} of its rows are not archived yet"
                            + " although the archive's last_id ({}) covers them; it waits for the archive",
                    name,
                    waiting,
                    watermark);
            return false;
        }
        jdbc.execute("alter table telemetry detach partition " + quoted(name));
        jdbc.execute("drop table " + quoted(name));
        return true;
    }

    /**
     * Takes the maintenance lock, and bounds how long this transaction's DDL waits for the queries on telemetry: a
     * long one makes the work wait for the next run rather than hold up the warm store's inserts queued behind it.
     */
    private void lockBriefly() {
        jdbc.queryForObject("select pg_advisory_xact_lock(?)::text", String.class, LOCK);
        jdbc.execute("set local lock_timeout = '3s'");
    }

    /** The day partitions, oldest first. */
    List<String> partitions() {
        return jdbc.queryForList(PARTITIONS, String.class);
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private static LocalDate day(String name) {
        return LocalDate.parse(name, NAME);
    }

    /** The name came from the catalog and matched telemetry_pYYYYMMDD; quoted all the same. */
    private static String quoted(String name) {
        return '"' + name + '"';
    }
}
