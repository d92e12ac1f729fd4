package io.firehosegateway.sink.firehose;

import static io.firehosegateway.support.AuthorizingMotoServer.credentials;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.aws.AwsClientCustomizer;
import io.firehosegateway.sink.aws.AwsProperties;
import io.firehosegateway.support.AuthorizingMotoServer;
import io.firehosegateway.support.FirehoseEmulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * moto with request authorization on takes the signatures of the {@code PutRecordBatch} calls the
 * gateway builds, and refuses them, as it refuses the SDK's, when the secret is wrong or the
 * policy lacks the action: each refusal classified as the SDK's call's is.
 */
class FirehoseDirectSignatureIntegrationTests {

    private static final String ALLOW_PUT =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"firehose:PutRecordBatch\"],\"Resource\":\"*\"}]}";
    private static final String ALLOW_DESCRIBE =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"firehose:DescribeDeliveryStream\"],\"Resource\":\"*\"}]}";
    private static final AwsProperties AWS = new AwsProperties(null, Duration.ofSeconds(5), Duration.ofSeconds(10), 1);

    private static AuthorizingMotoServer moto;
    private static FirehoseEmulator emulator;
    private static String bucket;
    private static AccessKey putter;
    private static AccessKey describer;
    private static final String STREAM = "signed";

    @BeforeAll
    static void start() throws Exception {
        moto = AuthorizingMotoServer.start();
        moto.allowEverything();
        emulator = new FirehoseEmulator(moto.endpoint());
        bucket = emulator.createStream(STREAM);
        putter = moto.userWith("putter", ALLOW_PUT);
        describer = moto.userWith("describer", ALLOW_DESCRIBE);
        moto.enforce();
    }

    @AfterAll
    static void stop() throws Exception {
        if (emulator != null) {
            emulator.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void signedCallsOfAnAllowedUserAreTakenAndLandAsSent() throws Exception {
        List<SinkRecord> records = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String line = "{\"n\":" + i + ",\"text\":\"Zoë ünïcödé 🚀 " + "x".repeat(i * 37) + "\"}";
            lines.add(line);
            records.add(SinkRecord.of((line + "\n").getBytes(StandardCharsets.UTF_8), "id-" + i));
        }
        try (Sinks sinks = new Sinks(credentials(putter.accessKeyId(), putter.secretAccessKey()))) {
            BatchResult result = sinks.direct.putRecords(route(), records).join();
            assertThat(result).isEqualTo(BatchResult.allAccepted(records.size()));
        }
        moto.allowEverything();
        try {
            assertThat(emulator.lines(bucket)).containsExactlyElementsOf(lines);
        } finally {
            moto.enforce();
        }
    }

    @Test
    void aWrongSecretIsRefusedAsTheSdksCallIs() {
        assertRefusedAlike(credentials(putter.accessKeyId(), "not-the-secret"));
    }

    @Test
    void aUserWithoutThePutActionIsRefusedAsTheSdksCallIs() {
        assertRefusedAlike(credentials(describer.accessKeyId(), describer.secretAccessKey()));
    }

    private static void assertRefusedAlike(StaticCredentialsProvider credentials) {
        List<SinkRecord> records = List.of(SinkRecord.of("{}\n".getBytes(StandardCharsets.UTF_8), "id"));
        try (Sinks sinks = new Sinks(credentials)) {
            SinkException bySdk = failure(sinks.sdk, records);
            SinkException byDirect = failure(sinks.direct, records);
            assertThat(bySdk.kind()).isEqualTo(FailureKind.CONFIGURATION);
            assertThat(byDirect.kind()).isEqualTo(bySdk.kind());
            assertThat(byDirect.code()).isEqualTo(bySdk.code());
        }
    }

    private static SinkException failure(FirehoseSink sink, List<SinkRecord> records) {
        Throwable thrown =
                catchThrowable(() -> sink.putRecords(route(), records).join());
        assertThat(thrown).isInstanceOf(CompletionException.class).hasCauseInstanceOf(SinkException.class);
        return (SinkException) thrown.getCause();
    }

    /** The SDK's sink and the gateway's own, on one client of {@code credentials}. */
    private static final class Sinks implements AutoCloseable {
        final FirehoseAsyncClient client;
        final FirehoseSink sdk;
        final FirehoseSink direct;

        Sinks(StaticCredentialsProvider credentials) {
            client = FirehoseAsyncClient.builder()
                    .endpointOverride(moto.endpoint())
                    .region(Region.of(FirehoseEmulator.REGION))
                    .credentialsProvider(credentials)
                    .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry()))
                    .build();
            sdk = new FirehoseSink(client, new FirehoseRetryClassifier());
            direct = FirehoseClientConfiguration.directSink(client, new AwsClientCustomizer(AWS).httpClient(4), AWS);
        }

        @Override
        public void close() {
            direct.close();
            client.close();
        }
    }

    private static StreamRoutes.Route route() {
        return new StreamRoutes.Route("events", STREAM, SinkKind.FIREHOSE);
    }
}
