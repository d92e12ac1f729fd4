package io.firehosegateway.sink.firehose;

import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.aws.DescribeOnceHealthIndicator;
import java.util.concurrent.CompletionStage;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * What Firehose said of each stream when the gateway started: one {@code DescribeDeliveryStream}
 * each, never repeated (see {@link DescribeOnceHealthIndicator}). A failed describe is named by the
 * code {@link FirehoseRetryClassifier} gives it.
 */
final class FirehoseHealthIndicator extends DescribeOnceHealthIndicator {

    private final FirehoseAsyncClient client;

    FirehoseHealthIndicator(FirehoseAsyncClient client, StreamRoutes routes) {
        super("Firehose", SinkKind.FIREHOSE, routes);
        this.client = client;
    }

    @Override
    protected CompletionStage<Description> describe(String stream) {
        return client.describeDeliveryStream(request -> request.deliveryStreamName(stream))
                .handle((response, error) -> error == null
                        ? Description.of(response.deliveryStreamDescription().deliveryStreamStatusAsString())
                        : Description.failed(
                                new FirehoseRetryClassifier().classify(error).code()));
    }
}
