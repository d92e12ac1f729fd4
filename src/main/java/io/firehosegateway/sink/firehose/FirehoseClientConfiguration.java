package io.firehosegateway.sink.firehose;

import io.firehosegateway.sink.ConditionalOnSinkKind;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.aws.AwsClientCustomizer;
import io.firehosegateway.sink.aws.AwsProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * The one place that builds the Firehose client: what every AWS client shares (SDK retries off, one
 * timeout per attempt, region, the I/O threads) comes from {@link AwsClientCustomizer}, with the
 * connection pool sized from the Firehose streams' concurrency limit and the endpoint from {@code
 * gateway.firehose.endpoint} or {@code AWS_ENDPOINT_URL_FIREHOSE}.
 *
 * <p>An auto-configuration, so that it steps aside for a sink of this kind that the application
 * (a test) defines itself under the same bean name.
 */
@AutoConfiguration
@ConditionalOnSinkKind(SinkKind.FIREHOSE)
@ConditionalOnMissingBean(name = FirehoseClientConfiguration.SINK_BEAN)
public class FirehoseClientConfiguration {

    /** The name of the Firehose sink's bean: a test that defines its own under this name replaces it. */
    public static final String SINK_BEAN = "firehoseSink";

    @Bean(destroyMethod = "close")
    FirehoseAsyncClient firehoseAsyncClient(FirehoseProperties firehose, AwsProperties aws, StreamRoutes routes) {
        return new AwsClientCustomizer(aws)
                .customize(FirehoseAsyncClient.builder(), routes.maxInFlight(SinkKind.FIREHOSE), firehose.endpoint())
                .build();
    }

    @Bean(SINK_BEAN)
    Sink firehoseSink(FirehoseAsyncClient client) {
        return new FirehoseSink(client, new FirehoseRetryClassifier());
    }

    @Bean
    FirehoseHealthIndicator firehoseHealthIndicator(FirehoseAsyncClient client, StreamRoutes routes) {
        return new FirehoseHealthIndicator(client, routes);
    }
}
