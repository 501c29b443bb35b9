package io.fieldhub.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An S3-compatible endpoint (S3Proxy) that keeps buckets as folders and objects as files in a given directory.
 * {@linkplain Supervisor Supervised}: a server whose Jetty stopped, or whose port no longer accepts connections,
 * without {@link #close()} is reported within {@link #WATCH_EVERY} and can be started again.
 */
public final class EmbeddedS3Server implements AutoCloseable, Supervisor.Supervised {

    static final Duration WATCH_EVERY = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3Server.class);
    private static final Pattern UNFINISHED_UPLOAD =
            Pattern.compile(".+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final Path directory;
    private final String bindAddress;
    private final int port;
    private final String accessKey;
    private final String secretKey;
    private BlobStoreContext blobStoreContext;
    private S3Proxy s3Proxy;
    private LivenessWatch watch;

    public EmbeddedS3Server(Path directory, String bindAddress, int port, String accessKey, String secretKey) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("S3 port must be 1-65535, was " + port);
        }
        this.directory = directory;
        this.bindAddress = bindAddress;
        this.port = port;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Starts S3Proxy and returns once it accepts requests. */
    public synchronized void start() {
        if (s3Proxy != null) {
            throw new IllegalStateException("S3 server on " + bindAddress + ":" + port + " is already started");
        }
        try {
            Files.createDirectories(directory);
            removeUnfinishedUploads();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the S3 directory " + directory, e);
        }
        Properties overrides = new Properties();
        overrides.setProperty(
                FilesystemConstants.PROPERTY_BASEDIR, directory.toAbsolutePath().toString());
        // S3Proxy's own NIO.2 backend, not jclouds' "filesystem": that one lists every folder on a key's path
        // ("2025/", "2025/11/") as an extra empty object, which real S3 never does.
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem-nio2")
                // jclouds insists on credentials although a local blob store never checks them.
                .credentials(accessKey, secretKey)
                .overrides(overrides)
                .buildView(BlobStoreContext.class);
        S3Proxy candidate = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://" + EmbeddedHosts.uriHost(bindAddress) + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        try {
            // Jetty's start() returns once the connector is bound, or throws when it cannot bind.
            candidate.start();
            if (!"STARTED".equals(candidate.getState())) {
                throw new IllegalStateException("S3Proxy state is " + candidate.getState());
            }
        } catch (Exception e) {
            stopQuietly(candidate);
            context.close();
            throw new IllegalStateException(
                    "S3 server could not listen on " + bindAddress + ":" + port + " (is the port already in use?)", e);
        }
        blobStoreContext = context;
        s3Proxy = candidate;
    }

    @Override
    public synchronized void onCrash(Consumer<String> listener) {
        if (watch != null) {
            watch.close();
        }
        watch = new LivenessWatch("s3", WATCH_EVERY, this::problem, listener);
    }

    private synchronized String problem() {
        if (s3Proxy == null) {
            return null;
        }
        if (!"STARTED".equals(s3Proxy.getState())) {
            return "S3Proxy is " + s3Proxy.getState();
        }
        return LivenessWatch.acceptsConnections(EmbeddedHosts.clientHost(bindAddress), port);
    }

    /** Starts S3Proxy again on its port and directory, after what is left of the one that died is let go. */
    @Override
    public synchronized void restart() {
        if (s3Proxy != null) {
            stopQuietly(s3Proxy);
            blobStoreContext.close();
            s3Proxy = null;
            blobStoreContext = null;
        }
        start();
    }

    /**
     * S3Proxy writes an object to {@code <key>-<random UUID>} and then renames it to its key. A process killed in
     * between ({@code kill -9} of the hub) leaves that file, which S3Proxy would then list as one more object: a second
     * copy of an archive object (issue 16, R6). Its upload never answered, so no client counts on it. The price: a
     * key that itself ends with "-" and a UUID does not survive a restart of the embedded server.
     */
    private void removeUnfinishedUploads() throws IOException {
        List<Path> unfinished;
        try (Stream<Path> files = Files.walk(directory)) {
            unfinished = files.filter(Files::isRegularFile)
                    .filter(file -> UNFINISHED_UPLOAD
                            .matcher(file.getFileName().toString())
                            .matches())
                    .toList();
        }
        for (Path file : unfinished) {
            LOG.warn("Removing {}, an upload the S3 server did not finish (it was stopped mid-write)", file);
            Files.delete(file);
        }
    }

    /** The URI S3 clients use as their endpoint override, e.g. {@code http://localhost:9000}. */
    public URI endpoint() {
        return URI.create("http://" + EmbeddedHosts.clientHost(bindAddress) + ":" + port);
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
            watch = null;
        }
        if (s3Proxy == null) {
            return;
        }
        try {
            s3Proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("S3 server on " + bindAddress + ":" + port + " did not stop cleanly", e);
        } finally {
            blobStoreContext.close();
            s3Proxy = null;
            blobStoreContext = null;
        }
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception ignored) {
            // The start failure is the error worth reporting; this one would only hide it.
        }
    }
}
