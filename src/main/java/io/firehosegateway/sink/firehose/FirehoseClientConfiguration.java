package io.firehosegateway.sink.firehose;

import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.aws.AwsProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
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
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "gateway.sink", havingValue = "firehose")
class FirehoseClientConfiguration {

    @Bean(destroyMethod = "close")
    FirehoseAsyncClient firehoseAsyncClient(FirehoseProperties firehose, AwsProperties aws, StreamRoutes routes) {
        FirehoseAsyncClientBuilder builder = FirehoseAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .eventLoopGroupBuilder(SdkEventLoopGroup.builder().numberOfThreads(aws.ioThreads()))
                        .maxConcurrency(routes.maxInFlight())
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

    @Bean
    Sink firehoseSink(FirehoseAsyncClient client) {
        return new FirehoseSink(client, new FirehoseRetryClassifier());
    }

    @Bean
    FirehoseHealthIndicator firehoseHealthIndicator(FirehoseAsyncClient client, StreamRoutes routes) {
        return new FirehoseHealthIndicator(client, routes);
    }
}
