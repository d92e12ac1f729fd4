package io.firehosegateway.sink.sqs;

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

    static SqsSink sink(SqsAsyncClient client) {
        SqsErrorClassifier classifier = new SqsErrorClassifier();
        return new SqsSink(
                client, new SqsQueues(client, classifier, Duration.ofSeconds(5), System::nanoTime), classifier);
    }
}
