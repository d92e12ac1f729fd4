package io.firehosegateway.sink.sqs;

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
import io.firehosegateway.support.SqsEmulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * moto with request authorization on takes the signatures of the {@code SendMessageBatch} calls the
 * gateway builds, to a standard and a FIFO queue, and refuses them, as it refuses the SDK's, when
 * the secret is wrong or the policy lacks the action: each refusal classified as the SDK's call's is.
 * The queues' URLs are looked up with the sender's own keys, so that a refusal is the call's, not the
 * lookup's.
 */
class SqsDirectSignatureIntegrationTests {

    private static final String ALLOW_SEND = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":[\"sqs:GetQueueUrl\",\"sqs:SendMessage\",\"sqs:SendMessageBatch\"],\"Resource\":\"*\"}]}";
    private static final String ALLOW_LOOKUP = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":[\"sqs:GetQueueUrl\"],\"Resource\":\"*\"}]}";
    private static final AwsProperties AWS = new AwsProperties(null, Duration.ofSeconds(5), Duration.ofSeconds(10), 1);
    private static final String STANDARD = "signed";
    private static final String FIFO = "signed.fifo";

    private static AuthorizingMotoServer moto;
    private static SqsEmulator emulator;
    private static AccessKey sender;
    private static AccessKey lookerUp;
    private static final Map<String, String> urls = new HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        moto = AuthorizingMotoServer.start();
        moto.allowEverything();
        emulator = new SqsEmulator(moto.endpoint());
        urls.put(STANDARD, emulator.createQueue(STANDARD));
        urls.put(FIFO, emulator.createQueue(FIFO));
        sender = moto.userWith("sender", ALLOW_SEND);
        lookerUp = moto.userWith("looker-up", ALLOW_LOOKUP);
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
    void signedCallsToAStandardQueueAreTakenAndLandAsSent() throws Exception {
        assertTakenAndLanded(new StreamRoutes.Route("events", STANDARD, SinkKind.SQS));
    }

    @Test
    void signedCallsToAFifoQueueAreTakenAndLandAsSent() throws Exception {
        assertTakenAndLanded(new StreamRoutes.Route("events", FIFO, SinkKind.SQS));
    }

    @Test
    void aWrongSecretIsRefusedAsTheSdksCallIs() {
        assertRefusedAlike(credentials(sender.accessKeyId(), "not-the-secret"));
    }

    @Test
    void aUserWithoutTheSendActionIsRefusedAsTheSdksCallIs() {
        assertRefusedAlike(credentials(lookerUp.accessKeyId(), lookerUp.secretAccessKey()));
    }

    private static void assertTakenAndLanded(StreamRoutes.Route route) throws Exception {
        List<SinkRecord> records = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < SqsLimits.LIMITS.maxRecordsPerCall(); i++) {
            String body = "{\"n\":" + i + ",\"text\":\"Zoë ünïcödé 🚀 " + "x".repeat(i * 37) + "\"}";
            bodies.add(body);
            records.add(new SinkRecord((body + "\n").getBytes(StandardCharsets.UTF_8), "user-" + (i % 3), "id-" + i));
        }
        StaticCredentialsProvider keys = credentials(sender.accessKeyId(), sender.secretAccessKey());
        try (Sinks sinks = new Sinks(keys, keys)) {
            BatchResult result = sinks.direct.putRecords(route, records).join();
            assertThat(result).isEqualTo(BatchResult.allAccepted(records.size()));
        }
        moto.allowEverything();
        try {
            assertThat(emulator.drain(urls.get(route.destination())))
                    .extracting(SqsEmulator.Message::body)
                    .containsExactlyInAnyOrderElementsOf(bodies);
        } finally {
            moto.enforce();
        }
    }

    private static void assertRefusedAlike(StaticCredentialsProvider signing) {
        List<SinkRecord> records = List.of(SinkRecord.of("{}\n".getBytes(StandardCharsets.UTF_8), "id"));
        StreamRoutes.Route route = new StreamRoutes.Route("events", STANDARD, SinkKind.SQS);
        try (Sinks sinks = new Sinks(signing, credentials(sender.accessKeyId(), sender.secretAccessKey()))) {
            SinkException bySdk = failure(sinks.sdk, route, records);
            SinkException byDirect = failure(sinks.direct, route, records);
            assertThat(bySdk.kind()).isEqualTo(FailureKind.CONFIGURATION);
            assertThat(byDirect.kind()).isEqualTo(bySdk.kind());
            assertThat(byDirect.code()).isEqualTo(bySdk.code());
        }
    }

    private static SinkException failure(SqsSink sink, StreamRoutes.Route route, List<SinkRecord> records) {
        Throwable thrown = catchThrowable(() -> sink.putRecords(route, records).join());
        assertThat(thrown).isInstanceOf(CompletionException.class).hasCauseInstanceOf(SinkException.class);
        return (SinkException) thrown.getCause();
    }

    /** The SDK's sink and the gateway's own, signing with {@code signing}, the queues looked up with {@code lookup}. */
    private static final class Sinks implements AutoCloseable {
        final SqsAsyncClient signingClient;
        final SqsAsyncClient lookupClient;
        final SqsSink sdk;
        final SqsSink direct;

        Sinks(StaticCredentialsProvider signing, StaticCredentialsProvider lookup) {
            signingClient = client(signing);
            lookupClient = client(lookup);
            SqsQueues queues =
                    new SqsQueues(lookupClient, new SqsErrorClassifier(), Duration.ofSeconds(5), System::nanoTime);
            sdk = new SqsSink(signingClient, queues, new SqsErrorClassifier());
            direct = SqsClientConfiguration.directSink(
                    signingClient, queues, new AwsClientCustomizer(AWS).httpClient(4), AWS);
        }

        @Override
        public void close() {
            direct.close();
            signingClient.close();
            lookupClient.close();
        }
    }

    private static SqsAsyncClient client(StaticCredentialsProvider credentials) {
        return SqsAsyncClient.builder()
                .endpointOverride(moto.endpoint())
                .region(Region.of(SqsEmulator.REGION))
                .credentialsProvider(credentials)
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private static StaticCredentialsProvider credentials(String id, String secret) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
    }
}
