package io.fieldhub.routes;

import io.fieldhub.embedded.EmbeddedS3Server;
import io.fieldhub.embedded.S3Clients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.util.TestSocketUtils;
import org.springframework.util.FileSystemUtils;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The hub's embedded S3 server (S3Proxy) on a free local port with one bucket, for a test class:
 * {@code @RegisterExtension static final TestS3 s3 = new TestS3("fieldhub");}. The bucket is emptied before each
 * test. {@link #stop()} is an outage; {@link #start()} brings it back on the same port with the same objects.
 */
final class TestS3 implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private static final String ACCESS_KEY = "fieldhub";
    private static final String SECRET_KEY = "fieldhub-secret";

    private final String bucket;
    private final int port = TestSocketUtils.findAvailableTcpPort();
    private Path directory;
    private EmbeddedS3Server server;
    private S3Client client;

    TestS3(String bucket) {
        this.bucket = bucket;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        directory = Files.createTempDirectory("fieldhub-test-s3-");
        start();
        client = S3Clients.create(server.endpoint(), "us-east-1", ACCESS_KEY, SECRET_KEY);
        client.createBucket(b -> b.bucket(bucket));
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        keys().forEach(key -> client.deleteObject(d -> d.bucket(bucket).key(key)));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (client != null) {
            client.close();
        }
        stop();
        FileSystemUtils.deleteRecursively(directory);
    }

    void start() {
        server = new EmbeddedS3Server(directory, "127.0.0.1", port, ACCESS_KEY, SECRET_KEY);
        server.start();
    }

    void stop() {
        if (server != null) {
            server.close();
        }
    }

    S3Client client() {
        return client;
    }

    /** The bucket's object keys, sorted. */
    List<String> keys() {
        return client.listObjectsV2(l -> l.bucket(bucket)).contents().stream()
                .map(S3Object::key)
                .sorted()
                .toList();
    }

    byte[] object(String key) {
        return client.getObjectAsBytes(g -> g.bucket(bucket).key(key)).asByteArray();
    }
}
