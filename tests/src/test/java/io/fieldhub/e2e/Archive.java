package io.fieldhub.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The telemetry archive as a user reads it from S3: every gzip JSON Lines object under telemetry/. */
public final class Archive {

    /** One archived reading's identity: the archive writer may write a row twice, PostgreSQL cannot. */
    public record Entry(String deviceId, String messageId) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern UPLOAD_IN_PROGRESS =
            Pattern.compile(".+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final S3Client s3;
    private final String bucket;

    Archive(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    List<String> keys() {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("telemetry/")).contents().stream()
                .map(S3Object::key)
                .filter(key -> !uploadInProgress(key))
                .toList();
    }

    /**
     * The embedded S3 server (S3Proxy's filesystem backend) writes an object as {@code <key>-<uuid>} and renames it
     * once written, and lists that file meanwhile: a half-written copy that is gone when read. Real S3 lists an
     * object only once it is whole.
     */
    public static boolean uploadInProgress(String key) {
        return UPLOAD_IN_PROGRESS.matcher(key).matches();
    }

    /** Every archived record the predicate wants: each object listed, downloaded and decompressed. */
    List<JsonNode> records(Predicate<JsonNode> wanted) {
        List<JsonNode> records = new ArrayList<>();
        for (String key : keys()) {
            try (var in = new BufferedReader(new InputStreamReader(
                    new GZIPInputStream(s3.getObject(b -> b.bucket(bucket).key(key))), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    JsonNode record = JSON.readTree(line);
                    if (wanted.test(record)) {
                        records.add(record);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(key, e);
            }
        }
        return records;
    }

    /** How many times each reading of the devices whose id starts with the prefix was archived. */
    Map<Entry, Long> copies(String deviceIdPrefix) {
        return records(r -> r.path("deviceId").asText().startsWith(deviceIdPrefix)).stream()
                .collect(Collectors.groupingBy(
                        r -> new Entry(
                                r.path("deviceId").asText(), r.path("messageId").asText()),
                        Collectors.counting()));
    }

    /** Each acknowledged reading is in the archive, and no reading of those devices is there twice. */
    void assertArchivedOnce(String deviceIdPrefix, Collection<Entry> acknowledged) {
        Map<Entry, Long> copies = copies(deviceIdPrefix);
        assertThat(copies)
                .as("archived copies by (device id, message id)")
                .allSatisfy(
                        (entry, n) -> assertThat(n).as("copies of %s", entry).isOne());
        assertThat(copies.keySet()).as("archived readings").containsAll(acknowledged);
    }
}
