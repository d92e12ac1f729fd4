package io.firehosegateway.sink.firehose;

import io.firehosegateway.sink.ConditionalOnSinkKind;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.aws.AwsProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClientBuilder;

/**
 * The one place that builds the Firehose client. Retries are off in the SDK because the pipeline
 * owns them: attempts never multiply unseen and the delivery deadline sees each of them. So the one
 * attempt is the whole call, and only the attempt has a timeout: a second timer per call would
 * time the same thing. The connection pool is sized from the streams' concurrency limit, never set
 * on its own; the I/O threads default to one (see {@link AwsProperties#ioThreads()}).
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
        FirehoseAsyncClientBuilder builder = FirehoseAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .eventLoopGroupBuilder(SdkEventLoopGroup.builder().numberOfThreads(aws.ioThreads()))
                        .maxConcurrency(routes.maxInFlight(SinkKind.FIREHOSE))
                        .connectionAcquisitionTimeout(aws.connectionAcquisitionTimeout()))
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(aws.apiCallAttemptTimeout()));
        if (aws.region() != null && !aws.region().isBlank()) {
            builder.region(Region.of(aws.region()));
        }
        if (firehose.endpoint() != null) {
            builder.endpointOverride(firehose.endpoint());
        }
        return builder.build();
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
