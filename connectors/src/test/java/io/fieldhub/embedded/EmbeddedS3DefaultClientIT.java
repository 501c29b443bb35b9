package io.fieldhub.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.util.TestSocketUtils;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The embedded S3 server answers a current AWS SDK at its default settings, as users' own tools (AWS CLI, boto3,
 * Spark, DuckDB, Trino) are: the SDK sends flexible-checksum headers and, for uploads, an aws-chunked body with a
 * checksum trailer, which S3Proxy before 3.2 refused (501 NotImplemented, or 400 for the content-sha256).
 */
class EmbeddedS3DefaultClientIT {

    private static final String BUCKET = "fieldhub";
    private static final String KEY = "telemetry/date=2025-11-20/hour=14/hub-a-000000000001.jsonl.gz";
    private static final List<String> LINES = List.of(
            "{\"messageId\":\"m-1\",\"deviceId\":\"pump-7\",\"ts\":\"2025-11-20T14:00:01Z\",\"metrics\":{\"t\":21.5}}",
            "{\"messageId\":\"m-2\",\"deviceId\":\"pump-7\",\"ts\":\"2025-11-20T14:00:02Z\",\"metrics\":{\"t\":21.7}}");

    @TempDir
    Path tempDir;

    private EmbeddedS3Server server;
    private S3Client client;

    @BeforeEach
    void start() throws IOException {
        server = new EmbeddedS3Server(
                tempDir, "127.0.0.1", TestSocketUtils.findAvailableTcpPort(), "hub-key", "hub-secret");
        server.start();
        // Only what any client of a self-hosted store must say: where, who, path style. Checksums stay at the
        // SDK's defaults (calculated and validated when supported).
        client = S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("hub-key", "hub-secret")))
                .forcePathStyle(true)
                .build();
        client.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    @Test
    void putListAndGetAnArchiveObject() throws IOException {
        byte[] archive = gzip(LINES);

        PutObjectResponse put = client.putObject(
                p -> p.bucket(BUCKET)
                        .key(KEY)
                        .contentType("application/x-ndjson")
                        .contentEncoding("gzip"),
                RequestBody.fromBytes(archive));

        assertThat(put.eTag()).isNotBlank();
        assertThat(client.listObjectsV2(l -> l.bucket(BUCKET).prefix("telemetry/date=2025-11-20/"))
                        .contents())
                .extracting(S3Object::key, S3Object::size)
                .containsExactly(tuple(KEY, (long) archive.length));
        ResponseBytes<GetObjectResponse> got =
                client.getObjectAsBytes(g -> g.bucket(BUCKET).key(KEY));
        assertThat(got.response().contentEncoding()).isEqualTo("gzip");
        assertThat(got.response().contentType()).isEqualTo("application/x-ndjson");
        assertThat(gunzip(got.asByteArray())).containsExactlyElementsOf(LINES);
    }

    @Test
    void headAndRangedGetReadPartOfAnObject() throws IOException {
        byte[] archive = gzip(LINES);
        client.putObject(p -> p.bucket(BUCKET).key(KEY), RequestBody.fromBytes(archive));

        // Query engines (DuckDB, Spark, Trino) ask for the size, then read byte ranges.
        assertThat(client.headObject(h -> h.bucket(BUCKET).key(KEY)).contentLength())
                .isEqualTo(archive.length);
        byte[] head = client.getObjectAsBytes(g -> g.bucket(BUCKET).key(KEY).range("bytes=0-9"))
                .asByteArray();

        assertThat(head).isEqualTo(Arrays.copyOf(archive, 10));
    }

    private static byte[] gzip(List<String> lines) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(bytes)) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static List<String> gunzip(byte[] archive) throws IOException {
        try (var in = new GZIPInputStream(new ByteArrayInputStream(archive))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
