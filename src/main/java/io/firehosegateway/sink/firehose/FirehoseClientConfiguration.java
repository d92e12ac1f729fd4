package io.firehosegateway.sink.firehose;

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
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseServiceClientConfiguration;
import software.amazon.awssdk.services.firehose.endpoints.FirehoseEndpointProvider;

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

    /**
     * The sink, its {@code PutRecordBatch} calls built by the gateway unless {@code
     * gateway.aws.data-plane} is {@code sdk}: signed with the SDK client's credentials and region,
     * sent to the endpoint its endpoint provider resolves, on an HTTP client of the same settings.
     */
    @Bean(SINK_BEAN)
    Sink firehoseSink(FirehoseAsyncClient client, DataPlaneProperties plane, AwsProperties aws, StreamRoutes routes) {
        if (plane.dataPlane() == DataPlane.SDK) {
            return new FirehoseSink(client, new FirehoseRetryClassifier());
        }
        return directSink(client, new AwsClientCustomizer(aws).httpClient(routes.maxInFlight(SinkKind.FIREHOSE)), aws);
    }

    /**
     * A sink whose calls the gateway builds, on {@code http}, which it closes: signed with {@code
     * client}'s credentials and region, sent to the endpoint its provider resolves.
     */
    static FirehoseSink directSink(FirehoseAsyncClient client, SdkAsyncHttpClient http, AwsProperties aws) {
        FirehoseServiceClientConfiguration config = client.serviceClientConfiguration();
        return new FirehoseSink(
                AwsJsonRpcClient.of(
                        http,
                        config,
                        endpoint(config),
                        FirehoseWire.PROTOCOL,
                        aws.apiCallAttemptTimeout(),
                        FirehoseWire::exceptionFor),
                new FirehoseRetryClassifier());
    }

    /** The endpoint the SDK client would call: its override, else its provider's for the region, FIPS and dual-stack as configured. */
    static URI endpoint(FirehoseServiceClientConfiguration config) {
        EndpointQuestion question = EndpointQuestion.of(config);
        return config.endpointProvider()
                .map(FirehoseEndpointProvider.class::cast)
                .orElseGet(FirehoseEndpointProvider::defaultProvider)
                .resolveEndpoint(params -> params.region(question.region())
                        .useFips(question.fips())
                        .useDualStack(question.dualStack())
                        .endpoint(question.endpoint()))
                .join()
                .url();
    }

    @Bean
    FirehoseHealthIndicator firehoseHealthIndicator(FirehoseAsyncClient client, StreamRoutes routes) {
        return new FirehoseHealthIndicator(client, routes);
    }
}
