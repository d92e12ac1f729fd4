package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.ConditionalOnSinkKind;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.aws.AwsClientCustomizer;
import io.firehosegateway.sink.aws.AwsProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;

/**
 * The one place that builds the Kinesis Data Streams client: what every AWS client shares (SDK
 * retries off, one timeout per attempt, region, the I/O threads) comes from {@link
 * AwsClientCustomizer}, with the connection pool sized from the Kinesis streams' concurrency limit
 * and the endpoint from {@code gateway.kinesis.endpoint} or {@code AWS_ENDPOINT_URL_KINESIS}. Its
 * own are HTTP/1.1 and the wire protocol, CBOR unless {@code gateway.kinesis.cbor} says otherwise
 * (see {@link KinesisProtocol}).
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
        KinesisAsyncClientBuilder builder = new AwsClientCustomizer(aws)
                .customize(
                        KinesisAsyncClient.builder(),
                        routes.maxInFlight(SinkKind.KINESIS),
                        kinesis.endpoint(),
                        // The SDK's default for Kinesis is HTTP/2, which only SubscribeToShard needs:
                        // PutRecords over HTTP/1.1 is what Firehose's client does, and what emulators speak.
                        http -> http.protocol(Protocol.HTTP1_1));
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
