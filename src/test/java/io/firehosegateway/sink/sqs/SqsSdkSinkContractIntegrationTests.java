package io.firehosegateway.sink.sqs;

import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The sink contract on the SDK client's {@code SendMessageBatch} ({@code gateway.aws.data-plane:
 * sdk}), the baseline and fallback of the calls the gateway builds: the same moto, fault proxy and
 * assertions as {@link SqsSinkContractIntegrationTests}.
 */
class SqsSdkSinkContractIntegrationTests extends SqsSinkContractIntegrationTests {

    @Override
    SqsSink sink(SqsAsyncClient client) {
        return SqsTestClients.sdkSink(client);
    }
}
