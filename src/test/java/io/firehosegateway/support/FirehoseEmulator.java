package io.firehosegateway.support;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Sets up delivery streams to S3 on an emulator (moto or LocalStack) and reads back what landed,
 * with the real AWS SDK.
 */
public final class FirehoseEmulator implements AutoCloseable {

    public static final String REGION = "us-east-1";
    public static final String ACCESS_KEY = "test";
    public static final String SECRET_KEY = "test";

    private final FirehoseClient firehose;
    private final S3Client s3;

    public FirehoseEmulator(URI endpoint) {
        StaticCredentialsProvider credentials =
                StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
        this.firehose = FirehoseClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(credentials)
                .build();
        this.s3 = S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(credentials)
                .forcePathStyle(true)
                .build();
    }

    /** Creates a bucket and a Direct PUT delivery stream writing to it; returns the bucket's name. */
    public String createStream(String stream) {
        String bucket = ("bucket-" + stream).toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        s3.createBucket(b -> b.bucket(bucket));
        firehose.createDeliveryStream(request -> request.deliveryStreamName(stream)
                .deliveryStreamType("DirectPut")
                .extendedS3DestinationConfiguration(destination -> destination
                        .bucketARN("arn:aws:s3:::" + bucket)
                        .roleARN("arn:aws:iam::123456789012:role/firehose-delivery")));
        return bucket;
    }

    /** Every S3 object of the bucket, one entry per PutRecordBatch the emulator took. */
    public List<String> objects(String bucket) {
        List<String> bodies = new ArrayList<>();
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(bucket).continuationToken(continuation));
            for (S3Object object : page.contents()) {
                bodies.add(s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key()))
                        .asString(StandardCharsets.UTF_8));
            }
            token = page.nextContinuationToken();
        } while (token != null);
        return bodies;
    }

    /** Every line of every object of the bucket: the events as Firehose delivered them. */
    public List<String> lines(String bucket) {
        List<String> lines = new ArrayList<>();
        for (String body : objects(bucket)) {
            if (!body.isEmpty() && !body.endsWith("\n")) {
                throw new AssertionError("An S3 object does not end in a newline: " + body);
            }
            for (String line : body.split("\n")) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }

    /** Every line of every object of every bucket: to show that something landed nowhere. */
    public List<String> linesInEveryBucket() {
        List<String> lines = new ArrayList<>();
        for (Bucket bucket : s3.listBuckets().buckets()) {
            lines.addAll(lines(bucket.name()));
        }
        return lines;
    }

    @Override
    public void close() {
        firehose.close();
        s3.close();
    }
}
