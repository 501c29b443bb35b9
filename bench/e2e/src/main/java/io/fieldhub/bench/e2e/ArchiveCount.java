package io.fieldhub.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Counts the cold archive: every (deviceId, messageId) pair in the gzip JSON Lines objects of the hub's bucket,
 * by run (the simulator's message ids start with the run id). Objects are read once: a step ends only when the
 * archive watermark covers all its rows, and the archive overwrites an object only before its watermark moves.
 */
final class ArchiveCount {

    /** A run's archived records; {@code duplicates} repeat a pair, {@code missing} were acked but not archived. */
    record Figures(long records, long distinct, long duplicates, long missing) {}

    private final S3Client s3;
    private final String bucket;
    private final ObjectMapper json = new ObjectMapper();
    private final Set<String> objectsRead = new HashSet<>();
    private final Map<String, Long> records = new HashMap<>();
    private final Map<String, Set<String>> pairs = new HashMap<>();

    ArchiveCount(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** Reads the objects written since the last call, then returns and forgets what {@code runId} archived. */
    Figures take(String runId, long acked) throws IOException {
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            if (objectsRead.add(object.key())) {
                read(object.key());
            }
        }
        long n = records.getOrDefault(runId, 0L);
        Set<String> distinct = pairs.getOrDefault(runId, Set.of());
        records.remove(runId);
        pairs.remove(runId);
        return new Figures(n, distinct.size(), n - distinct.size(), Math.max(0, acked - distinct.size()));
    }

    private void read(String key) throws IOException {
        try (var in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(s3.getObject(b -> b.bucket(bucket).key(key))), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode record = json.readTree(line);
                String messageId = record.path("messageId").asText();
                String run = messageId.substring(0, Math.max(0, messageId.indexOf('-')));
                records.merge(run, 1L, Long::sum);
                pairs.computeIfAbsent(run, r -> new HashSet<>())
                        .add(record.path("deviceId").asText() + '\n' + messageId);
            }
        }
    }
}
