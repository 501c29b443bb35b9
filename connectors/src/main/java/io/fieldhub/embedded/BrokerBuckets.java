package io.fieldhub.embedded;

import com.hivemq.configuration.service.InternalConfigurations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How many buckets each of HiveMQ's stores has. Each bucket is a Xodus or RocksDB environment of its own, opened at
 * every start: HiveMQ's default of 64 makes 320 environments over its five stores, a second of a start's CPU on two
 * cores for a broker that serves one hub's devices. A new data folder gets {@link #NEW_FOLDER}. A folder made before
 * keeps the count it was made with: HiveMQ puts a client in bucket hash(id) mod count and does not check the count
 * against the folder, so another count would lose sessions and queued messages.
 */
final class BrokerBuckets {

    /** Buckets per store in a new data folder. */
    static final int NEW_FOLDER = 4;

    private static final Pattern SESSION_BUCKET = Pattern.compile("client_session_store_\\d+");
    private static final Pattern PAYLOAD_BUCKET = Pattern.compile("publish_payload_store_\\d+");

    private BrokerBuckets() {}

    /** Sets HiveMQ's process-wide bucket counts for a broker on {@code dataFolder}; call before it starts. */
    static void configure(Path dataFolder) {
        Path persistence = dataFolder.resolve("persistence");
        InternalConfigurations.PERSISTENCE_BUCKET_COUNT.set(
                count(persistence.resolve("client_session_store"), SESSION_BUCKET));
        InternalConfigurations.PAYLOAD_PERSISTENCE_BUCKET_COUNT.set(
                count(persistence.resolve("publish_payload_store"), PAYLOAD_BUCKET));
    }

    /** The buckets a store's folder (one sub-folder per store version) already has, or {@link #NEW_FOLDER}. */
    static int count(Path store, Pattern bucket) {
        if (!Files.isDirectory(store)) {
            return NEW_FOLDER;
        }
        try (Stream<Path> versions = Files.list(store)) {
            return versions.filter(Files::isDirectory).mapToInt(version -> buckets(version, bucket)).max().stream()
                    .filter(n -> n > 0)
                    .findFirst()
                    .orElse(NEW_FOLDER);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the MQTT broker's store " + store, e);
        }
    }

    private static int buckets(Path version, Pattern bucket) {
        try (Stream<Path> entries = Files.list(version)) {
            return (int) entries.filter(
                            p -> bucket.matcher(p.getFileName().toString()).matches())
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the MQTT broker's store " + version, e);
        }
    }
}
