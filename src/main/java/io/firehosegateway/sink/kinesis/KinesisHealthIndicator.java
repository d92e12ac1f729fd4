package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.aws.DescribeOnceHealthIndicator;
import java.util.concurrent.CompletionStage;

/**
 * What Kinesis said of each stream when the gateway started: the one {@code DescribeStreamSummary}
 * of each destination, shared with the sink that learned the stream's limits from it, never
 * repeated (see {@link DescribeOnceHealthIndicator}).
 */
final class KinesisHealthIndicator extends DescribeOnceHealthIndicator {

    private final KinesisStreamDescriptions descriptions;

    KinesisHealthIndicator(KinesisStreamDescriptions descriptions, StreamRoutes routes) {
        super("Kinesis", SinkKind.KINESIS, routes);
        this.descriptions = descriptions;
    }

    @Override
    protected CompletionStage<Description> describe(String stream) {
        return descriptions.describe(stream).handle((description, error) -> {
            if (description != null && description.failure() == null) {
                return Description.of(description.status());
            }
            return Description.failed(description != null ? description.failure() : String.valueOf(error));
        });
    }
}
