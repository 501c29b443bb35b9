package io.fieldhub.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.fieldhub.archive.ArchiveProgress.Chunk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * time ({@code telemetry/date=YYYY-MM-DD/hour=HH/<first row id>.jsonl.gz}).
 *
 * <p>It reads from PostgreSQL rather than from an in-memory buffer, so every row stored warm is archived cold even
 * across a crash, and several hubs sharing one database and bucket archive each row once
 * (docs/architecture.md#every-stored-reading-is-archived). Rows go in commit order ({@link ArchiveProgress}). A
 * chunk is claimed and committed before its upload, and its keys derive from its rows, so whoever finishes a claim
 * (this hub again, or another after a crash) writes the same objects: a retry overwrites, never adds a copy.
 */
public class ArchiveWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveWriter.class);
    private static final DateTimeFormatter PARTITION =
            DateTimeFormatter.ofPattern("'date='yyyy-MM-dd/'hour='HH").withZone(ZoneOffset.UTC);
    private static final String COLUMNS =
            "id, message_id, device_id, ts, received_at, metrics::text, tags::text, trace_id";

    private final ArchiveProgress progress;
    private final TransactionTemplate tx;
    private final S3Client s3;
    private final ObjectMapper mapper;
    private final Settings settings;
    private final Clock clock;

    /**
     * @param bucket     target bucket
     * @param instanceId this hub's name, in the metadata of the objects it writes
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
        this.progress = new ArchiveProgress(jdbc);
        this.tx = tx;
        this.s3 = s3;
        this.mapper = mapper;
        this.settings = settings;
        this.clock = clock;
    }

    /** Archives the waiting rows if there are enough of them, or the oldest is old enough. Returns the count. */
    public synchronized int flushDue() {
        return Math.max(0, flush(false));
    }

    /** Archives every waiting row now (shutdown, tests). Returns the count. */
    public synchronized int flushAll() {
        int total = 0;
        for (int n = flush(true); n >= 0; n = flush(true)) {
            total += n;
        }
        return total;
    }

    /** Archives one chunk; returns its rows, 0 if another writer finished it first, -1 if nothing waits. */
    private int flush(boolean force) {
        Optional<Chunk> claimed = tx.execute(status ->
                progress.claim(force, settings.maxRecords(), clock.instant().minus(settings.maxAge())));
        if (claimed == null || claimed.isEmpty()) {
            return -1;
        }
        Chunk chunk = claimed.get();
        Integer archived = tx.execute(status -> {
            // the watermark row stays locked until the chunk is uploaded, so writers take turns
            if (!progress.stillClaimed(chunk)) {
                return 0;
            }
            List<Row> rows = progress.rows(chunk, COLUMNS, this::row);
            write(rows);
            progress.finish(chunk);
            return rows.size();
        });
        return archived == null ? 0 : archived;
    }

    private void write(List<Row> rows) {
        Map<String, List<Row>> byPartition = rows.stream()
                .collect(Collectors.groupingBy(r -> PARTITION.format(r.ts()), TreeMap::new, Collectors.toList()));
        byPartition.forEach((partition, part) -> {
            String key = "telemetry/%s/%012d.jsonl.gz"
                    .formatted(partition, part.get(0).id());
            s3.putObject(
                    b -> b.bucket(settings.bucket())
                            .key(key)
                            .contentType("application/x-ndjson")
                            .contentEncoding("gzip")
                            .metadata(Map.of("writer", settings.instanceId())),
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
