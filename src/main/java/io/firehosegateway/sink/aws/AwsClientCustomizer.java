package io.firehosegateway.sink.aws;

import java.net.URI;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.builder.SdkAsyncClientBuilder;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;

/**
 * The one place that applies what every AWS client of the gateway shares to an SDK client builder,
 * as spring-cloud-aws's client configurer does; each sink's configuration adds only what is its own.
 *
 * <p>Retries are off in the SDK because the pipeline owns them: attempts never multiply unseen and
 * the delivery deadline sees each of them. So the one attempt is the whole call, and only the
 * attempt has a timeout: a second timer per call would time the same thing. The connection pool is
 * sized from the sink's streams' concurrency limit, never set on its own; the I/O threads default to
 * one (see {@link AwsProperties#ioThreads()}).
 *
 * <p>What is not set here is left to the SDK's standard environment: the region comes from {@code
 * gateway.aws.region} when set, else {@code AWS_REGION}; the endpoint from the sink's own property
 * when set, else {@code AWS_ENDPOINT_URL_<SERVICE>}; credentials always from the default chain.
 */
public final class AwsClientCustomizer {

    private final AwsProperties aws;

    public AwsClientCustomizer(AwsProperties aws) {
        this.aws = aws;
    }

    /**
     * Applies the shared settings to {@code builder}.
     *
     * @param maxConcurrency the connection pool's size: the sink's streams' concurrency limit
     * @param endpoint the sink's own endpoint property, or null for the standard environment's
     * @return the same builder
     */
    public <B extends AwsClientBuilder<B, C> & SdkAsyncClientBuilder<B, C>, C> B customize(
            B builder, int maxConcurrency, URI endpoint) {
        return customize(builder, maxConcurrency, endpoint, http -> {});
    }

    /**
     * Applies the shared settings to {@code builder}, and the service's own settings of its HTTP
     * client after them.
     *
     * @param maxConcurrency the connection pool's size: the sink's streams' concurrency limit
     * @param endpoint the sink's own endpoint property, or null for the standard environment's
     * @param ownHttp what the service sets on its HTTP client beyond the shared settings
     * @return the same builder
     */
    public <B extends AwsClientBuilder<B, C> & SdkAsyncClientBuilder<B, C>, C> B customize(
            B builder, int maxConcurrency, URI endpoint, Consumer<NettyNioAsyncHttpClient.Builder> ownHttp) {
        NettyNioAsyncHttpClient.Builder http = httpClientBuilder(maxConcurrency);
        ownHttp.accept(http);
        builder.httpClientBuilder(http)
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(aws.apiCallAttemptTimeout()));
        if (aws.region() != null && !aws.region().isBlank()) {
            builder.region(Region.of(aws.region()));
        }
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder;
    }

    /**
     * An HTTP client as the SDK clients get one, for the data-plane calls the gateway builds itself
     * ({@link AwsJsonRpcClient}): the same I/O threads, pool and proxy settings.
     *
     * @param maxConcurrency the connection pool's size: the sink's streams' concurrency limit
     */
    public SdkAsyncHttpClient httpClient(int maxConcurrency) {
        return httpClientBuilder(maxConcurrency).build();
    }

    private NettyNioAsyncHttpClient.Builder httpClientBuilder(int maxConcurrency) {
        return NettyNioAsyncHttpClient.builder()
                .eventLoopGroupBuilder(SdkEventLoopGroup.builder().numberOfThreads(aws.ioThreads()))
                .maxConcurrency(maxConcurrency)
                .connectionAcquisitionTimeout(aws.connectionAcquisitionTimeout());
    }
}
