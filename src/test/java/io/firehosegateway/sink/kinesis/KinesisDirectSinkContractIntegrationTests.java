package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.aws.AwsClientCustomizer;
import io.firehosegateway.sink.aws.AwsProperties;
import java.time.Duration;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The sink contract on the {@code PutRecords} calls the gateway builds itself: the same moto, fault
 * proxy and assertions as {@link KinesisSinkContractIntegrationTests}, with the calls signed by the
 * SDK client's credentials and sent to the endpoint its provider resolves.
 */
class KinesisDirectSinkContractIntegrationTests extends KinesisSinkContractIntegrationTests {

    @Override
    KinesisSink sink(KinesisAsyncClient client) {
        AwsProperties aws = new AwsProperties(null, Duration.ofSeconds(5), Duration.ofSeconds(10), 1);
        KinesisRetryClassifier classifier = new KinesisRetryClassifier();
        return new KinesisSink(
                client,
                KinesisClientConfiguration.directCalls(client, new AwsClientCustomizer(aws).httpClient(16), aws),
                classifier,
                new KinesisStreamDescriptions(client, classifier),
                5 * 1024 * 1024,
                Duration.ofSeconds(6));
    }
}
