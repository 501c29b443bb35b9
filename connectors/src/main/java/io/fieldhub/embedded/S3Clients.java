package io.fieldhub.embedded;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Builds S3 clients that work against S3Proxy, MinIO and AWS S3 alike. */
public final class S3Clients {

    private S3Clients() {}

    public static S3Client create(URI endpoint, String region, String accessKey, String secretKey) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                // Self-hosted servers have no per-bucket DNS names; AWS S3 accepts path style too.
                .forcePathStyle(true)
                // By default SDK 2.30+ uploads as aws-chunked with a CRC32 trailer. The embedded S3Proxy and AWS take
                // it, but stores hub.s3.endpoint may name (Ceph RGW, Google Cloud Storage, older MinIO) answer 400 or
                // 501; checksums only where an operation requires them work everywhere.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }
}
