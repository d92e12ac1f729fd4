package io.firehosegateway.sink.sqs;

import io.firehosegateway.sink.ConditionalOnSinkKind;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.aws.AwsClientCustomizer;
import io.firehosegateway.sink.aws.AwsProperties;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The one place that builds the SQS client: what every AWS client shares (SDK retries off, one
 * timeout per attempt, region, the I/O threads) comes from {@link AwsClientCustomizer}, with the
 * connection pool sized from the SQS streams' concurrency limit and the endpoint from {@code
 * gateway.sqs.endpoint} or {@code AWS_ENDPOINT_URL_SQS}.
 *
 * <p>An auto-configuration, so that it steps aside for a sink of this kind that the application
 * (a test) defines itself under the same bean name.
 */
@AutoConfiguration
@ConditionalOnSinkKind(SinkKind.SQS)
@ConditionalOnMissingBean(name = SqsClientConfiguration.SINK_BEAN)
public class SqsClientConfiguration {

    /** The name of the SQS sink's bean: a test that defines its own under this name replaces it. */
    public static final String SINK_BEAN = "sqsSink";

    /** How long a queue that could not be found for the configuration is not looked up again. */
    static final Duration LOOKUP_RETRY = Duration.ofSeconds(5);

    @Bean(destroyMethod = "close")
    SqsAsyncClient sqsAsyncClient(SqsProperties sqs, AwsProperties aws, StreamRoutes routes) {
        return new AwsClientCustomizer(aws)
                .customize(SqsAsyncClient.builder(), routes.maxInFlight(SinkKind.SQS), sqs.endpoint())
                .build();
    }

    @Bean
    SqsQueues sqsQueues(SqsAsyncClient client) {
        return new SqsQueues(client, new SqsErrorClassifier(), LOOKUP_RETRY, System::nanoTime);
    }

    @Bean(SINK_BEAN)
    Sink sqsSink(SqsAsyncClient client, SqsQueues queues) {
        return new SqsSink(client, queues, new SqsErrorClassifier());
    }

    @Bean
    SqsHealthIndicator sqsHealthIndicator(SqsQueues queues, StreamRoutes routes) {
        return new SqsHealthIndicator(queues, routes);
    }
}
