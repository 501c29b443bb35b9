package io.fieldhub.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The cold path: copies telemetry rows from the warm store to S3 as gzip JSON Lines, Hive-partitioned by device
 * time ({@code telemetry/date=YYYY-MM-DD/hour=HH/<instance>-<first row id>.jsonl.gz}).
 *
 * <p>It reads from PostgreSQL rather than from an in-memory buffer, so every row stored warm is archived cold even
 * across a crash: a watermark row records the last archived id and moves only after the objects are written. The
 * object key derives from the first row id, so a retry after a failure overwrites the same object, never adds a
 * second copy.
 */
public class ArchiveWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveWriter.class);
    private static final DateTimeFormatter PARTITION =
            DateTimeFormatter.ofPattern("'date='yyyy-MM-dd/'hour='HH").withZone(ZoneOffset.UTC);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final S3Client s3;
    private final ObjectMapper mapper;
    private final Settings settings;
    private final Clock clock;

    /**
     * @param bucket     target bucket
     * @param instanceId this hub's name, part of every object key
     * @param maxRecords flush as soon as this many rows wait
     * @param maxAge     flush when the oldest waiting row is this old
     */
    public record Settings(String bucket, String instanceId, int maxRecords, Duration maxAge) {}

    private record Row(long id, Instant ts, Instant receivedAt, ObjectNode json) {}

    public ArchiveWriter(
            JdbcTemplate jdbc,
            TransactionTemplate tx,
            S3Client s3,
            ObjectMapper mapper,
            Settings settings,
            Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.s3 = s3;
        this.mapper = mapper;
        this.settings = settings;
        this.clock = clock;
    }

    /** Archives the waiting rows if there are enough of them, or the oldest is old enough. Returns the count. */
    public synchronized int flushDue() {
        return flush(false);
    }

    /** Archives every waiting row now (shutdown, tests). Returns the count. */
    public synchronized int flushAll() {
        int total = 0;
        for (int n = flush(true); n > 0; n = flush(true)) {
            total += n;
        }
        return total;
    }

    private int flush(boolean force) {
        Integer archived = tx.execute(status -> {
            // The row lock makes concurrent flushers (timer, shutdown, a second instance) take turns.
            long watermark = jdbc.queryForObject(
                    "select last_id from archive_watermark where stream = 'telemetry' for update", Long.class);
            if (!(force ? waiting(watermark) : due(watermark))) {
                return 0;
            }
            List<Row> rows = jdbc.query("""
                    select id, message_id, device_id, ts, received_at, metrics::text, tags::text, trace_id
                    from telemetry where id > ? order by id limit ?""", this::row, watermark, settings.maxRecords());
            write(rows);
            jdbc.update(
                    "update archive_watermark set last_id = ? where stream = 'telemetry'",
                    rows.get(rows.size() - 1).id());
            return rows.size();
        });
        return archived == null ? 0 : archived;
    }

    private boolean waiting(long watermark) {
        return Boolean.TRUE.equals(
                jdbc.queryForObject("select exists (select 1 from telemetry where id > ?)", Boolean.class, watermark));
    }

    /**
     * Whether the waiting rows make an object now: decided from a count and the first row's time, so that rows
     * which are not due yet are not read and turned into JSON on every check.
     */
    private boolean due(long watermark) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                """
                select count(*) > 0 and (count(*) >= ? or (array_agg(received_at order by id))[1] <= ?)
                from (select id, received_at from telemetry where id > ? order by id limit ?) waiting""",
                Boolean.class,
                settings.maxRecords(),
                Timestamp.from(clock.instant().minus(settings.maxAge())),
                watermark,
                settings.maxRecords()));
    }

    private void write(List<Row> rows) {
        Map<String, List<Row>> byPartition = rows.stream()
                .collect(Collectors.groupingBy(r -> PARTITION.format(r.ts()), TreeMap::new, Collectors.toList()));
        byPartition.forEach((partition, part) -> {
            String key = "telemetry/%s/%s-%012d.jsonl.gz"
                    .formatted(partition, settings.instanceId(), part.get(0).id());
            s3.putObject(
                    b -> b.bucket(settings.bucket())
                            .key(key)
                            .contentType("application/x-ndjson")
                            .contentEncoding("gzip"),
                    RequestBody.fromBytes(gzipLines(part)));
            LOG.info("archived {} records to s3://{}/{}", part.size(), settings.bucket(), key);
        });
    }

    private byte[] gzipLines(List<Row> rows) {
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(bytes)) {
            for (Row row : rows) {
                gzip.write(mapper.writeValueAsBytes(row.json()));
                gzip.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private Row row(ResultSet rs, int n) throws SQLException {
        Instant ts = rs.getTimestamp("ts").toInstant();
        Instant receivedAt = rs.getTimestamp("received_at").toInstant();
        ObjectNode json = mapper.createObjectNode()
                .put("messageId", rs.getString("message_id"))
                .put("deviceId", rs.getString("device_id"))
                .put("ts", ts.toString())
                .put("receivedAt", receivedAt.toString());
        // as PostgreSQL prints them (jsonb text is one line of valid JSON): not parsed only to be written again
        json.putRawValue("metrics", new RawValue(rs.getString("metrics")));
        json.putRawValue("tags", new RawValue(rs.getString("tags")));
        json.put("traceId", rs.getString("trace_id"));
        return new Row(rs.getLong("id"), ts, receivedAt, json);
    }
}
