package io.firehosegateway.sink.sqs;

import io.firehosegateway.sink.ConditionalOnSinkKind;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.aws.AwsProperties;
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClientBuilder;

/**
 * The one place that builds the SQS client, as the Firehose one is built: the SDK's retries off
 * because the pipeline owns them, only the attempt timed, the connection pool sized from the SQS
 * streams' concurrency limit; region from {@code gateway.aws.region} or {@code AWS_REGION}, the
 * endpoint from {@code AWS_ENDPOINT_URL_SQS} or {@code gateway.sqs.endpoint}.
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
        SqsAsyncClientBuilder builder = SqsAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .eventLoopGroupBuilder(SdkEventLoopGroup.builder().numberOfThreads(aws.ioThreads()))
                        .maxConcurrency(routes.maxInFlight(SinkKind.SQS))
                        .connectionAcquisitionTimeout(aws.connectionAcquisitionTimeout()))
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(aws.apiCallAttemptTimeout()));
        if (aws.region() != null && !aws.region().isBlank()) {
            builder.region(Region.of(aws.region()));
        }
        if (sqs.endpoint() != null) {
            builder.endpointOverride(sqs.endpoint());
        }
        return builder.build();
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
