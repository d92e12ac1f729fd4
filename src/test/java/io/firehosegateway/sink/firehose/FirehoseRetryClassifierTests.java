package io.firehosegateway.sink.firehose;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.support.AwsAnswers;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.InvalidKmsResourceException;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.ServiceUnavailableException;

class FirehoseRetryClassifierTests {

    private final FirehoseRetryClassifier classifier = new FirehoseRetryClassifier();

    private FailureKind kind(Throwable error) {
        return classifier.classify(new CompletionException(error)).kind();
    }

    private static FirehoseException serviceError(int status, String code) {
        return (FirehoseException) FirehoseException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(code)
                        .build())
                .build();
    }

    @Test
    void serverErrorsAreRetryable() {
        assertThat(kind(serviceError(500, "InternalFailure"))).isEqualTo(FailureKind.RETRYABLE);
        assertThat(kind(serviceError(502, "BadGateway"))).isEqualTo(FailureKind.RETRYABLE);
    }

    @Test
    void throttlingIsRetryableAndAsksForLessConcurrency() {
        assertThat(kind(ServiceUnavailableException.builder()
                        .statusCode(503)
                        .message("Slow down.")
                        .build()))
                .isEqualTo(FailureKind.THROTTLED);
        assertThat(kind(serviceError(400, "ThrottlingException"))).isEqualTo(FailureKind.THROTTLED);
        assertThat(kind(serviceError(429, "TooManyRequests"))).isEqualTo(FailureKind.THROTTLED);
    }

    @Test
    void wrongConfigurationIsNotRetriedBlindly() {
        assertThat(kind(ResourceNotFoundException.builder().statusCode(400).build()))
                .isEqualTo(FailureKind.CONFIGURATION);
        assertThat(kind(InvalidKmsResourceException.builder().statusCode(400).build()))
                .isEqualTo(FailureKind.CONFIGURATION);
        assertThat(kind(serviceError(400, "AccessDeniedException"))).isEqualTo(FailureKind.CONFIGURATION);
        assertThat(kind(serviceError(403, "SomethingElse"))).isEqualTo(FailureKind.CONFIGURATION);
        assertThat(kind(serviceError(400, "UnrecognizedClientException"))).isEqualTo(FailureKind.CONFIGURATION);
    }

    @Test
    void invalidArgumentsAskForTheBatchToBeSplit() {
        assertThat(kind(InvalidArgumentException.builder().statusCode(400).build()))
                .isEqualTo(FailureKind.INVALID_REQUEST);
        assertThat(kind(serviceError(413, "RequestEntityTooLarge"))).isEqualTo(FailureKind.INVALID_REQUEST);
    }

    @Test
    void timeoutsAndLostConnectionsHaveAnUnknownOutcome() {
        assertThat(kind(ApiCallAttemptTimeoutException.create(2000))).isEqualTo(FailureKind.UNKNOWN_OUTCOME);
        assertThat(kind(SdkClientException.create(
                        "Unable to execute HTTP request", new IOException("Connection reset"))))
                .isEqualTo(FailureKind.UNKNOWN_OUTCOME);
    }

    @Test
    void refusedConnectionsCannotHaveLandedSoTheyAreRetryable() {
        SdkClientException refused =
                SdkClientException.create("Unable to execute HTTP request", new ConnectException("Connection refused"));
        assertThat(kind(refused)).isEqualTo(FailureKind.RETRYABLE);
    }

    @Test
    void codesAreShortAndFitForMetricTags() {
        SinkException failure = classifier.classify(serviceError(400, "AccessDeniedException"));
        assertThat(failure.code()).isEqualTo("AccessDeniedException");
        assertThat(classifier
                        .classify(ApiCallAttemptTimeoutException.create(2000))
                        .code())
                .isEqualTo("ApiCallAttemptTimeoutException");
    }

    @Test
    void failedEntriesAreRetryableAndThrottledOnesSaySo() {
        assertThat(classifier.classifyEntry("ServiceUnavailableException")).isEqualTo(FailureKind.THROTTLED);
        assertThat(classifier.classifyEntry("InternalFailure")).isEqualTo(FailureKind.RETRYABLE);
    }

    @Test
    void requestTimeoutsAndClockSkewAreTransientButARefusedSignatureWithoutSkewIsNot() {
        Instant anHourAhead = Instant.now().plus(Duration.ofHours(1));

        assertThat(kind(serviceError(408, null))).isEqualTo(FailureKind.RETRYABLE);
        assertThat(kind(serviceError(400, "RequestTimeout"))).isEqualTo(FailureKind.RETRYABLE);
        assertThat(kind(serviceError(400, "RequestExpired"))).isEqualTo(FailureKind.RETRYABLE);
        assertThat(kind(serviceError(403, "RequestTimeTooSkewed"))).isEqualTo(FailureKind.RETRYABLE);
        assertThat(kind(AwsAnswers.answeredAt(serviceError(400, "InvalidSignatureException"), anHourAhead)))
                .isEqualTo(FailureKind.RETRYABLE);
        assertThat(kind(AwsAnswers.answeredAt(serviceError(403, "SignatureDoesNotMatch"), anHourAhead)))
                .isEqualTo(FailureKind.RETRYABLE);
        assertThat(kind(AwsAnswers.answeredAt(serviceError(400, "InvalidSignatureException"), Instant.now())))
                .isEqualTo(FailureKind.CONFIGURATION);
    }
}
