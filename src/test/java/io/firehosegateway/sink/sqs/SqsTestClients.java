package io.firehosegateway.sink.sqs;

import io.firehosegateway.sink.aws.AwsClientCustomizer;
import io.firehosegateway.sink.aws.AwsProperties;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** SQS clients and sinks for tests, set up as the gateway sets up its own: the SDK's retries off. */
final class SqsTestClients {

    private SqsTestClients() {}

    static SqsAsyncClient client(URI endpoint) {
        return SqsAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of("us-east-1"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(Duration.ofSeconds(5)))
                .build();
    }

    /** A sink as the gateway builds it by default: its {@code SendMessageBatch} calls its own, the queues' URLs the SDK's. */
    static SqsSink sink(SqsAsyncClient client) {
        AwsProperties aws = new AwsProperties(null, Duration.ofSeconds(5), Duration.ofSeconds(10), 1);
        return SqsClientConfiguration.directSink(
                client, queues(client), new AwsClientCustomizer(aws).httpClient(64), aws);
    }

    /** A sink whose calls the SDK's client builds ({@code gateway.aws.data-plane: sdk}). */
    static SqsSink sdkSink(SqsAsyncClient client) {
        return new SqsSink(client, queues(client), new SqsErrorClassifier());
    }

    private static SqsQueues queues(SqsAsyncClient client) {
        return new SqsQueues(client, new SqsErrorClassifier(), Duration.ofSeconds(5), System::nanoTime);
    }
}
