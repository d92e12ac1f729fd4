package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.ConditionalOnSinkKind;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.aws.AwsClientCustomizer;
import io.firehosegateway.sink.aws.AwsJsonRpcClient;
import io.firehosegateway.sink.aws.AwsProperties;
import io.firehosegateway.sink.aws.DataPlane;
import io.firehosegateway.sink.aws.DataPlaneProperties;
import io.firehosegateway.sink.aws.EndpointQuestion;
import java.net.URI;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.core.SdkSystemSetting;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisServiceClientConfiguration;
import software.amazon.awssdk.services.kinesis.endpoints.KinesisEndpointProvider;

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

    /**
     * The sink, its {@code PutRecords} calls built by the gateway when the client speaks JSON and
     * {@code gateway.aws.data-plane} is not {@code sdk}: signed with the SDK client's credentials and
     * region, sent to the endpoint its endpoint provider resolves, on an HTTP client of the same
     * settings. CBOR calls are the SDK's.
     */
    @Bean(SINK_BEAN)
    Sink kinesisSink(
            KinesisAsyncClient client,
            KinesisStreamDescriptions descriptions,
            KinesisProperties kinesis,
            DataPlaneProperties plane,
            AwsProperties aws,
            StreamRoutes routes) {
        KinesisCalls calls = !direct(plane.dataPlane(), kinesis.cbor())
                ? KinesisCalls.sdk(client)
                : directCalls(
                        client, new AwsClientCustomizer(aws).httpClient(routes.maxInFlight(SinkKind.KINESIS)), aws);
        return new KinesisSink(
                client,
                calls,
                new KinesisRetryClassifier(),
                descriptions,
                kinesis.maxBytesPerCall().toBytes(),
                KinesisStreamDescriptions.DESCRIBE_TIMEOUT.plusSeconds(1));
    }

    /**
     * Whether the gateway builds the {@code PutRecords} calls: on the direct data plane, when the
     * client speaks JSON ({@code cbor} false, or unset and the SDK's JVM-wide switch off).
     */
    static boolean direct(DataPlane plane, Boolean cbor) {
        boolean speaksCbor = cbor != null
                ? cbor
                : SdkSystemSetting.CBOR_ENABLED.getBooleanValue().orElse(true);
        return plane == DataPlane.DIRECT && !speaksCbor;
    }

    /**
     * {@code PutRecords} calls the gateway builds, on {@code http}, which they close: signed with
     * {@code client}'s credentials and region, sent to the endpoint its provider resolves.
     */
    static KinesisCalls directCalls(KinesisAsyncClient client, SdkAsyncHttpClient http, AwsProperties aws) {
        KinesisServiceClientConfiguration config = client.serviceClientConfiguration();
        return KinesisCalls.direct(
                AwsJsonRpcClient.of(
                        http,
                        config,
                        endpoint(config, null),
                        KinesisWire.PROTOCOL,
                        aws.apiCallAttemptTimeout(),
                        KinesisWire::exceptionFor),
                destination -> endpoint(config, destination));
    }

    /**
     * The endpoint the SDK client would send a {@code PutRecords} to {@code destination} to: its
     * override, else its provider's for the region, FIPS and dual-stack as configured and the stream's
     * ARN if the destination is one.
     */
    static URI endpoint(KinesisServiceClientConfiguration config, String destination) {
        EndpointQuestion question = EndpointQuestion.of(config);
        String streamArn = destination != null && KinesisStreamDescriptions.isArn(destination) ? destination : null;
        return config.endpointProvider()
                .map(KinesisEndpointProvider.class::cast)
                .orElseGet(KinesisEndpointProvider::defaultProvider)
                .resolveEndpoint(params -> params.region(question.region())
                        .useFips(question.fips())
                        .useDualStack(question.dualStack())
                        .endpoint(question.endpoint())
                        .operationType("data")
                        .streamArn(streamArn))
                .join()
                .url();
    }

    @Bean
    KinesisHealthIndicator kinesisHealthIndicator(KinesisStreamDescriptions descriptions, StreamRoutes routes) {
        return new KinesisHealthIndicator(descriptions, routes);
    }
}
