package io.firehosegateway.sink.sqs;

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
import java.time.Duration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsServiceClientConfiguration;
import software.amazon.awssdk.services.sqs.endpoints.SqsEndpointProvider;

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

    /**
     * The sink, its {@code SendMessageBatch} calls built by the gateway unless {@code
     * gateway.aws.data-plane} is {@code sdk}: signed with the SDK client's credentials and region,
     * sent to the endpoint its endpoint provider resolves, on an HTTP client of the same settings.
     */
    @Bean(SINK_BEAN)
    Sink sqsSink(
            SqsAsyncClient client,
            SqsQueues queues,
            DataPlaneProperties plane,
            AwsProperties aws,
            StreamRoutes routes) {
        if (plane.dataPlane() == DataPlane.SDK) {
            return new SqsSink(client, queues, new SqsErrorClassifier());
        }
        return directSink(
                client, queues, new AwsClientCustomizer(aws).httpClient(routes.maxInFlight(SinkKind.SQS)), aws);
    }

    /** A sink whose calls the gateway builds, on {@code http}, which it closes. */
    static SqsSink directSink(SqsAsyncClient client, SqsQueues queues, SdkAsyncHttpClient http, AwsProperties aws) {
        SqsServiceClientConfiguration config = client.serviceClientConfiguration();
        return new SqsSink(
                client,
                AwsJsonRpcClient.of(
                        http,
                        config,
                        endpoint(config),
                        SqsWire.PROTOCOL,
                        aws.apiCallAttemptTimeout(),
                        SqsWire::exceptionFor),
                queues,
                new SqsErrorClassifier());
    }

    /** The endpoint the SDK client would call: its override, else its provider's for the region, FIPS and dual-stack as configured. */
    static URI endpoint(SqsServiceClientConfiguration config) {
        EndpointQuestion question = EndpointQuestion.of(config);
        return config.endpointProvider()
                .map(SqsEndpointProvider.class::cast)
                .orElseGet(SqsEndpointProvider::defaultProvider)
                .resolveEndpoint(params -> params.region(question.region())
                        .useFips(question.fips())
                        .useDualStack(question.dualStack())
                        .endpoint(question.endpoint()))
                .join()
                .url();
    }

    @Bean
    SqsHealthIndicator sqsHealthIndicator(SqsQueues queues, StreamRoutes routes) {
        return new SqsHealthIndicator(queues, routes);
    }
}
