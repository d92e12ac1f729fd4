package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.ConditionalOnSinkKind;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.aws.AwsProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;

/**
 * The one place that builds the Kinesis Data Streams client, as {@code FirehoseClientConfiguration}
 * builds Firehose's: SDK retries off (the pipeline owns them), one timeout per attempt, the
 * connection pool sized from the Kinesis streams' concurrency limit, region from
 * {@code gateway.aws.region} or {@code AWS_REGION}, endpoint from {@code gateway.kinesis.endpoint}
 * or {@code AWS_ENDPOINT_URL_KINESIS}. The wire protocol is CBOR unless {@code gateway.kinesis.cbor}
 * says otherwise (see {@link KinesisProtocol}).
 *
 * <p>An auto-configuration, so that it steps aside for a sink of this kind that the application
 * (a test) defines itself under the same bean name.
 */
@AutoConfiguration
@ConditionalOnSinkKind(SinkKind.KINESIS)
@ConditionalOnMissingBean(name = KinesisClientConfiguration.SINK_BEAN)
public class KinesisClientConfiguration {

    /** The name of the Kinesis sink's bean: a test that defines its own under this name replaces it. */
    public static final String SINK_BEAN = "kinesisSink";

    @Bean(destroyMethod = "close")
    KinesisAsyncClient kinesisAsyncClient(KinesisProperties kinesis, AwsProperties aws, StreamRoutes routes) {
        KinesisAsyncClientBuilder builder = KinesisAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        // The SDK's default for Kinesis is HTTP/2, which only SubscribeToShard needs:
                        // PutRecords over HTTP/1.1 is what Firehose's client does, and what emulators speak.
                        .protocol(Protocol.HTTP1_1)
                        .eventLoopGroupBuilder(SdkEventLoopGroup.builder().numberOfThreads(aws.ioThreads()))
                        .maxConcurrency(routes.maxInFlight(SinkKind.KINESIS))
                        .connectionAcquisitionTimeout(aws.connectionAcquisitionTimeout()))
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(aws.apiCallAttemptTimeout()));
        if (aws.region() != null && !aws.region().isBlank()) {
            builder.region(Region.of(aws.region()));
        }
        if (kinesis.endpoint() != null) {
            builder.endpointOverride(kinesis.endpoint());
        }
        return KinesisProtocol.build(kinesis.cbor(), builder::build);
    }

    @Bean
    KinesisStreamDescriptions kinesisStreamDescriptions(KinesisAsyncClient client) {
        return new KinesisStreamDescriptions(client, new KinesisRetryClassifier());
    }

    @Bean(SINK_BEAN)
    Sink kinesisSink(KinesisAsyncClient client, KinesisStreamDescriptions descriptions, KinesisProperties kinesis) {
        return new KinesisSink(
                client,
                new KinesisRetryClassifier(),
                descriptions,
                kinesis.maxBytesPerCall().toBytes(),
                KinesisStreamDescriptions.DESCRIBE_TIMEOUT.plusSeconds(1));
    }

    @Bean
    KinesisHealthIndicator kinesisHealthIndicator(KinesisStreamDescriptions descriptions, StreamRoutes routes) {
        return new KinesisHealthIndicator(descriptions, routes);
    }
}
