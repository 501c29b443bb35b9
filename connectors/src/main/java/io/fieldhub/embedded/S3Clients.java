package io.fieldhub.embedded;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;

/** Builds S3 clients that work against S3Proxy, MinIO and AWS S3 alike. */
public final class S3Clients {

    private S3Clients() {
    }

    public static S3Client create(URI endpoint, String region, String accessKey, String secretKey) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                // Self-hosted servers have no per-bucket DNS names; AWS S3 accepts path style too.
                .forcePathStyle(true)
                // SDK 2.30+ adds checksums by default that S3Proxy and older MinIO reject (STACK-NOTES trap 4).
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }
}
