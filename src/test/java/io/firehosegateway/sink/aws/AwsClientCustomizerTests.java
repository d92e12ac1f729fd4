package io.firehosegateway.sink.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/** What every AWS client is given in one place, shown on one service's client. */
class AwsClientCustomizerTests {

    private static AwsProperties aws(String region) {
        return new AwsProperties(region, Duration.ofSeconds(3), Duration.ofSeconds(10), 1);
    }

    @Test
    void turnsTheSdksRetriesOffAndTimesOnlyTheAttempt() {
        try (SqsAsyncClient client = new AwsClientCustomizer(aws("eu-west-1"))
                .customize(SqsAsyncClient.builder().credentialsProvider(AnonymousCredentialsProvider.create()), 4, null)
                .build()) {
            ClientOverrideConfiguration override =
                    client.serviceClientConfiguration().overrideConfiguration();
            assertThat(override.retryStrategy())
                    .hasValueSatisfying(
                            strategy -> assertThat(strategy.maxAttempts()).isEqualTo(1));
            assertThat(override.apiCallAttemptTimeout()).contains(Duration.ofSeconds(3));
            assertThat(override.apiCallTimeout()).isEmpty();
        }
    }

    @Test
    void setsTheRegionAndTheSinksOwnEndpointWhenGiven() {
        try (SqsAsyncClient client = new AwsClientCustomizer(aws("eu-west-1"))
                .customize(
                        SqsAsyncClient.builder().credentialsProvider(AnonymousCredentialsProvider.create()),
                        4,
                        URI.create("http://127.0.0.1:4566"))
                .build()) {
            assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
            assertThat(client.serviceClientConfiguration().endpointOverride())
                    .contains(URI.create("http://127.0.0.1:4566"));
        }
    }
}
