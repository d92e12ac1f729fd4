package io.firehosegateway.sink.kinesis;

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
import io.firehosegateway.support.KinesisEmulator;
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
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * moto with request authorization on takes the signatures of the {@code PutRecords} calls the
 * gateway builds (to a stream by name and by ARN), and refuses them, as it refuses the SDK's, when
 * the secret is wrong or the policy lacks the action: each refusal classified as the SDK's call's is.
 */
class KinesisDirectSignatureIntegrationTests {

    private static final String ALLOW_PUT =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"kinesis:PutRecords\"],\"Resource\":\"*\"}]}";
    private static final String ALLOW_DESCRIBE =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"kinesis:DescribeStreamSummary\"],\"Resource\":\"*\"}]}";
    private static final AwsProperties AWS = new AwsProperties(null, Duration.ofSeconds(5), Duration.ofSeconds(10), 1);
    private static final String STREAM = "signed";

    private static AuthorizingMotoServer moto;
    private static KinesisEmulator emulator;
    private static String arn;
    private static AccessKey putter;
    private static AccessKey describer;

    @BeforeAll
    static void start() throws Exception {
        moto = AuthorizingMotoServer.start();
        moto.allowEverything();
        emulator = new KinesisEmulator(moto.endpoint());
        emulator.createStream(STREAM, 1);
        arn = emulator.arn(STREAM);
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
        List<SinkRecord> byName = new ArrayList<>();
        List<SinkRecord> byArn = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String line = "{\"n\":" + i + ",\"text\":\"Zoë ünïcödé 🚀 " + "x".repeat(i * 37) + "\"}";
            lines.add(line);
            SinkRecord record =
                    new SinkRecord((line + "\n").getBytes(StandardCharsets.UTF_8), "clé-" + i % 7 + "-🚀", "id-" + i);
            (i < 30 ? byName : byArn).add(record);
        }
        try (Sinks sinks = new Sinks(credentials(putter.accessKeyId(), putter.secretAccessKey()))) {
            assertThat(sinks.direct.putRecords(route(STREAM), byName).join())
                    .isEqualTo(BatchResult.allAccepted(byName.size()));
            assertThat(sinks.direct.putRecords(route(arn), byArn).join())
                    .isEqualTo(BatchResult.allAccepted(byArn.size()));
        }
        moto.allowEverything();
        try {
            assertThat(emulator.lines(STREAM)).containsExactlyElementsOf(lines);
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
            assertThat(bySdk.kind())
                    .as(bySdk.code() + " " + bySdk.getMessage() + " / " + byDirect.code() + " " + byDirect.getMessage())
                    .isEqualTo(FailureKind.CONFIGURATION);
            assertThat(byDirect.kind()).isEqualTo(bySdk.kind());
            assertThat(byDirect.code()).isEqualTo(bySdk.code());
        }
    }

    private static SinkException failure(KinesisSink sink, List<SinkRecord> records) {
        Throwable thrown =
                catchThrowable(() -> sink.putRecords(route(STREAM), records).join());
        assertThat(thrown).isInstanceOf(CompletionException.class).hasCauseInstanceOf(SinkException.class);
        return (SinkException) thrown.getCause();
    }

    /** The SDK's sink and the gateway's own, on one JSON-speaking client of {@code credentials}. */
    private static final class Sinks implements AutoCloseable {
        final KinesisAsyncClient client;
        final KinesisSink sdk;
        final KinesisSink direct;

        Sinks(StaticCredentialsProvider credentials) {
            client = KinesisProtocol.build(
                    false,
                    () -> KinesisAsyncClient.builder()
                            .endpointOverride(moto.endpoint())
                            .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
                            .region(Region.of(KinesisEmulator.REGION))
                            .credentialsProvider(credentials)
                            .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry()))
                            .build());
            KinesisRetryClassifier classifier = new KinesisRetryClassifier();
            KinesisStreamDescriptions descriptions = new KinesisStreamDescriptions(client, classifier);
            sdk = new KinesisSink(client, classifier, descriptions, 5 << 20, Duration.ofSeconds(6));
            direct = new KinesisSink(
                    client,
                    KinesisClientConfiguration.directCalls(client, new AwsClientCustomizer(AWS).httpClient(4), AWS),
                    classifier,
                    descriptions,
                    5 << 20,
                    Duration.ofSeconds(6));
        }

        @Override
        public void close() {
            direct.close();
            client.close();
        }
    }

    private static StreamRoutes.Route route(String destination) {
        return new StreamRoutes.Route("events", destination, SinkKind.KINESIS);
    }
}
