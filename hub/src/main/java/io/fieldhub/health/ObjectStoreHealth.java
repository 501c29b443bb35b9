package io.fieldhub.health;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/** Health "objectStore": UP when the archive bucket answers. */
@Component("objectStoreHealthIndicator")
class ObjectStoreHealth implements HealthIndicator {

    private final S3Client s3;
    private final String bucket;
    private final String endpoint;

    ObjectStoreHealth(
            S3Client s3, @Value("${hub.s3.bucket}") String bucket, @Value("${hub.s3.endpoint}") String endpoint) {
        this.s3 = s3;
        this.bucket = bucket;
        this.endpoint = endpoint;
    }

    @Override
    public Health health() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            return Health.up()
                    .withDetail("endpoint", endpoint)
                    .withDetail("bucket", bucket)
                    .build();
        } catch (SdkException e) {
            return Health.down(e)
                    .withDetail("endpoint", endpoint)
                    .withDetail("bucket", bucket)
                    .build();
        }
    }
}
