package io.firehosegateway.sink.aws;

import java.net.URI;
import software.amazon.awssdk.awscore.AwsServiceClientConfiguration;
import software.amazon.awssdk.awscore.endpoint.DualstackEnabledProvider;
import software.amazon.awssdk.awscore.endpoint.FipsEnabledProvider;
import software.amazon.awssdk.regions.Region;

/**
 * What a service's endpoint provider is asked for a client, as the SDK client asks it: so that the
 * calls the gateway builds go where the client's would.
 *
 * @param region the client's region
 * @param fips FIPS endpoints, as the SDK reads {@code AWS_USE_FIPS_ENDPOINT} and the profile
 * @param dualStack dual-stack endpoints, as the SDK reads {@code AWS_USE_DUALSTACK_ENDPOINT} and the profile
 * @param endpoint the client's endpoint override ({@code AWS_ENDPOINT_URL_<SERVICE>} included), or null
 */
public record EndpointQuestion(Region region, boolean fips, boolean dualStack, String endpoint) {

    public static EndpointQuestion of(AwsServiceClientConfiguration client) {
        return new EndpointQuestion(
                client.region(),
                FipsEnabledProvider.builder().build().isFipsEnabled().orElse(false),
                DualstackEnabledProvider.builder().build().isDualstackEnabled().orElse(false),
                client.endpointOverride().map(URI::toString).orElse(null));
    }
}
