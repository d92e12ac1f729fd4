package io.firehosegateway.sink.firehose;

import io.firehosegateway.sink.aws.AwsClientCustomizer;
import io.firehosegateway.sink.aws.AwsProperties;
import java.time.Duration;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * The sink contract on the {@code PutRecordBatch} calls the gateway builds itself: the same moto,
 * fault proxy and assertions as {@link FirehoseSinkContractIntegrationTests}, with the calls signed
 * by the SDK client's credentials and sent to the endpoint its provider resolves.
 */
class FirehoseDirectSinkContractIntegrationTests extends FirehoseSinkContractIntegrationTests {

    @Override
    FirehoseSink sink(FirehoseAsyncClient client) {
        AwsProperties aws = new AwsProperties(null, Duration.ofSeconds(5), Duration.ofSeconds(10), 1);
        return FirehoseClientConfiguration.directSink(client, new AwsClientCustomizer(aws).httpClient(16), aws);
    }
}
