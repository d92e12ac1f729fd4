package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.firehosegateway.support.ElasticMqServer;
import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What ElasticMQ takes as its largest message: its own strict limits still refuse what SQS takes
 * since August 2025 (over 256 KiB), so the tests run it with {@link ElasticMqServer#SQS_2025}, which
 * takes 1 MiB and refuses a byte more, as SQS does.
 */
class ElasticMqLimitsIntegrationTests {

    private static final int OLD_LIMIT = 256 * 1024;

    @Test
    void itsStrictLimitsStillRefuseAMessageOver256KiB() {
        try (ElasticMqServer server = ElasticMqServer.start(ElasticMqServer.STRICT);
                SqsClient sqs = client(server.uri())) {
            String url = sqs.createQueue(request -> request.queueName("strict")).queueUrl();

            sqs.sendMessage(request -> request.queueUrl(url).messageBody("x".repeat(OLD_LIMIT)));
            AwsServiceException refused = catchThrowableOfType(
                    AwsServiceException.class,
                    () -> sqs.sendMessage(request -> request.queueUrl(url).messageBody("x".repeat(OLD_LIMIT + 1))));

            assertRefusedForItsLength(refused);
        }
    }

    @Test
    void withSqsLimitsOf2025ItTakes1MiBAndNotAByteMore() {
        try (SqsClient sqs = client(ElasticMqServer.endpoint())) {
            String url =
                    sqs.createQueue(request -> request.queueName("limits-2025")).queueUrl();

            sqs.sendMessage(
                    request -> request.queueUrl(url).messageBody("x".repeat(ElasticMqServer.SQS_MAX_MESSAGE_BYTES)));
            AwsServiceException refused = catchThrowableOfType(
                    AwsServiceException.class,
                    () -> sqs.sendMessage(request ->
                            request.queueUrl(url).messageBody("x".repeat(ElasticMqServer.SQS_MAX_MESSAGE_BYTES + 1))));

            assertRefusedForItsLength(refused);
            assertThat(SqsLimits.MAX_MESSAGE_BYTES).isEqualTo(ElasticMqServer.SQS_MAX_MESSAGE_BYTES);
        }
    }

    /** ElasticMQ refuses a message over its limit as SQS's query protocol did: {@code InvalidAttributeValue}. */
    private static void assertRefusedForItsLength(AwsServiceException refused) {
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("InvalidAttributeValue");
    }

    private static SqsClient client(URI endpoint) {
        return SqsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(ElasticMqServer.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }
}
