package io.fieldhub.config;

import io.fieldhub.embedded.S3Clients;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/** The S3 client for the cold archive, against the embedded S3Proxy, MinIO or AWS alike. */
@Configuration(proxyBeanMethods = false)
class ObjectStore {

    private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);

    /** Made on a start thread of its own ({@link ParallelStart}): the SDK takes a second of CPU to set one up. */
    @Bean(destroyMethod = "close")
    S3Client s3Client(StartupTasks tasks) {
        return tasks.await(ParallelStart.OBJECT_STORE, S3Client.class);
    }

    /** A client for the store at {@code hub.s3.endpoint}, which must be listening first when it is embedded. */
    static S3Client connect(HubProperties.S3 s3) {
        S3Client client = S3Clients.create(URI.create(s3.endpoint()), s3.region(), s3.accessKey(), s3.secretKey());
        ensureBucket(client, s3);
        return client;
    }

    /**
     * Creates the archive bucket when missing. An unreachable store does not stop the hub: the archive route
     * retries, and rows wait in PostgreSQL until the store is back.
     */
    private static void ensureBucket(S3Client client, HubProperties.S3 s3) {
        try {
            client.headBucket(b -> b.bucket(s3.bucket()));
        } catch (NoSuchBucketException e) {
            client.createBucket(b -> b.bucket(s3.bucket()));
            LOG.info("created bucket {} at {}", s3.bucket(), s3.endpoint());
        } catch (SdkException e) {
            LOG.warn(
                    "object store {} is unreachable ({}); archiving will retry until it answers. "
                            + "Fix: check hub.s3.endpoint and the credentials",
                    s3.endpoint(),
                    e.getMessage());
        }
    }
}
