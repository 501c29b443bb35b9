package io.fieldhub.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fieldhub.e2e.Archive;
import io.fieldhub.e2e.Archive.Entry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.awaitility.core.ConditionTimeoutException;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Where each message of a run ended up: its rows in PostgreSQL's {@code telemetry} (which has no unique key on
 * (device, message id) of its own: the key table guards it, so a second row would be a real duplicate) and its
 * records in the S3 archive (every gzip JSON Lines object, each read once per version). Checks that every message the
 * simulator saw acknowledged is in both exactly once.
 */
final class Ledger {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CATCH_UP = Duration.ofMinutes(4);

    private final Supplier<JdbcTemplate> jdbc;
    private final Supplier<S3Client> s3;
    private final String bucket;
    /** Archive records by object key and ETag: an object rewritten under its key is read again. */
    private final Map<String, List<Entry>> objects = new HashMap<>();

    Ledger(Supplier<JdbcTemplate> jdbc, Supplier<S3Client> s3, String bucket) {
        this.jdbc = jdbc;
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** Rows stored so far for the run's devices; -1 while the database does not answer (the hub restarting). */
    long storedCount(String runId) {
        try {
            Long count = jdbc.get()
                    .queryForObject(
                            "select count(*) from telemetry_key where device_id like ?", Long.class, runId + "-%");
            return count == null ? 0 : count;
        } catch (DataAccessException e) {
            return -1;
        }
    }

    /** Waits until at least {@code count} of the run's messages are stored. */
    void awaitStored(String runId, long count) {
        await("%d messages of run %s stored".formatted(count, runId))
                .atMost(CATCH_UP)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> storedCount(runId) >= count);
    }

    Map<Entry, Long> stored(String runId) {
        Map<Entry, Long> copies = new HashMap<>();
        jdbc.get()
                .query(
                        "select device_id, message_id, count(*) from telemetry where device_id like ? group by 1, 2",
                        row -> {
                            copies.put(new Entry(row.getString(1), row.getString(2)), row.getLong(3));
                        },
                        runId + "-%");
        return copies;
    }

    Map<Entry, Long> archived(String runId) {
        Map<Entry, Long> copies = new HashMap<>();
        String prefix = runId + "-";
        try (S3Client client = s3.get()) {
            for (S3Object object : client.listObjectsV2Paginator(
                            b -> b.bucket(bucket).prefix("telemetry/"))
                    .contents()) {
                if (Archive.uploadInProgress(object.key())) {
                    continue;
                }
                List<Entry> records =
                        objects.computeIfAbsent(object.key() + " " + object.eTag(), k -> read(client, object.key()));
                records.stream()
                        .filter(entry -> entry.deviceId().startsWith(prefix))
                        .forEach(entry -> copies.merge(entry, 1L, Long::sum));
            }
        }
        return copies;
    }

    /**
     * Waits (a few minutes at most) until every acknowledged message is stored and archived, adds the counts to the
     * figures, prints them, and then asserts: the simulator ended with every message acknowledged, and each one is
     * in PostgreSQL once and in the archive once.
     */
    void check(SimulatorRun.Result run, Figures figures) {
        Set<Entry> acked = run.acked();
        Map<Entry, Long> stored = waitFor(() -> stored(run.runId()), acked);
        Map<Entry, Long> archived = waitFor(() -> archived(run.runId()), acked);
        figures.add("sent", run.count("sent"))
                .add("acked (0x00)", acked.size())
                .add("errors, given up", run.count("errors") + ", " + run.count("givenUp"))
                .add("reconnects", run.count("reconnects"))
                .add("resends", run.count("resends"))
                .add("stored", describe(stored, acked))
                .add("archived", describe(archived, acked));
        archived.entrySet().stream()
                .filter(e -> e.getValue() > 1)
                .limit(3)
                .forEach(e -> figures.add("archived twice", e.getKey() + " in " + objectsHolding(e.getKey())));
        figures.print();
        assertThat(run.exitCode())
                .as("simulator exit code (0: every message acknowledged); see %s", run.log())
                .isZero();
        assertThat((long) acked.size()).as("messages acknowledged with 0x00").isEqualTo(run.count("sent"));
        assertOnce("stored in PostgreSQL", stored, acked);
        assertOnce("archived in S3", archived, acked);
    }

    /** The archive objects (key and ETag) that hold a record of the message: for a report of a duplicate. */
    private List<String> objectsHolding(Entry entry) {
        return objects.entrySet().stream()
                .filter(o -> o.getValue().contains(entry))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    /** Waits (a few minutes at most) until every acknowledged message is archived; the archive's copies. */
    Map<Entry, Long> awaitArchived(String runId, Set<Entry> acked) {
        return waitFor(() -> archived(runId), acked);
    }

    private static Map<Entry, Long> waitFor(Callable<Map<Entry, Long>> copies, Set<Entry> acked) {
        List<Map<Entry, Long>> latest = new ArrayList<>(List.of(Map.of()));
        try {
            await().atMost(CATCH_UP).pollInterval(Duration.ofSeconds(1)).until(() -> {
                latest.set(0, copies.call());
                return latest.get(0).keySet().containsAll(acked);
            });
        } catch (ConditionTimeoutException e) {
            // the figures and assertions below say what is missing
        }
        return latest.get(0);
    }

    private static String describe(Map<Entry, Long> copies, Set<Entry> acked) {
        long rows = copies.values().stream().mapToLong(Long::longValue).sum();
        long missing = acked.stream().filter(e -> !copies.containsKey(e)).count();
        long twice = copies.values().stream().filter(n -> n > 1).count();
        return "%,d rows of %,d messages; acked but missing %d, more than once %d"
                .formatted(rows, copies.size(), missing, twice);
    }

    private static void assertOnce(String where, Map<Entry, Long> copies, Set<Entry> acked) {
        assertThat(acked.stream().filter(e -> !copies.containsKey(e)).limit(20).toList())
                .as("acknowledged messages not %s (first 20)", where)
                .isEmpty();
        assertThat(copies.entrySet().stream()
                        .filter(e -> e.getValue() > 1)
                        .limit(20)
                        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                .as("messages %s more than once (first 20)", where)
                .isEmpty();
    }

    private List<Entry> read(S3Client client, String key) {
        List<Entry> records = new ArrayList<>();
        try (var in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(client.getObject(b -> b.bucket(bucket).key(key))), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                JsonNode record = JSON.readTree(line);
                records.add(new Entry(
                        record.path("deviceId").asText(),
                        record.path("messageId").asText()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(key, e);
        }
        return records;
    }
}
