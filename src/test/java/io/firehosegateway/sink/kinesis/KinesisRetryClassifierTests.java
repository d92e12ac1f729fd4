package io.firehosegateway.sink.kinesis;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;

class KinesisRetryClassifierTests {

    private final KinesisRetryClassifier classifier = new KinesisRetryClassifier();

    private FailureKind kind(Throwable error) {
        return classifier.classify(new CompletionException(error)).kind();
    }

    private static KinesisException serviceError(int status, String code) {
        return (KinesisException) KinesisException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(code)
                        .build())
                .build();
    }

    @Test
    void aFailedEntryOverItsShardsLimitIsThrottledAndAnInternalFailureRetried() {
        assertThat(classifier.classifyEntry("ProvisionedThroughputExceededException"))
                .isEqualTo(FailureKind.THROTTLED);
        assertThat(classifier.classifyEntry("InternalFailure")).isEqualTo(FailureKind.RETRYABLE);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ThrottlingException",
                "LimitExceededException",
                "KMSThrottlingException",
                "ProvisionedThroughputExceededException"
            })
    void aThrottledCallIsRetriedWithLessConcurrency(String code) {
        assertThat(kind(serviceError(400, code))).isEqualTo(FailureKind.THROTTLED);
    }

    @Test
    void throttlingByStatusAloneIsThrottlingToo() {
        assertThat(kind(serviceError(429, "TooManyRequests"))).isEqualTo(FailureKind.THROTTLED);
        assertThat(kind(serviceError(503, "ServiceUnavailable"))).isEqualTo(FailureKind.THROTTLED);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ResourceNotFoundException",
                "AccessDeniedException",
                "KMSDisabledException",
                "KMSNotFoundException",
                "KMSAccessDeniedException",
                "KMSInvalidStateException",
                "KMSOptInRequired",
                "UnrecognizedClientException",
                "ExpiredTokenException"
            })
    void aMissingStreamDeniedAccessOrAnUnusableKeyIsAConfigurationFault(String code) {
        SinkException classified = classifier.classify(new CompletionException(serviceError(400, code)));
        assertThat(classified.kind()).isEqualTo(FailureKind.CONFIGURATION);
        assertThat(classified.code()).isEqualTo(code);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ValidationException", "InvalidArgumentException"})
    void aRefusedRequestIsInvalidAndSplitToFindTheRecordAtFault(String code) {
        assertThat(kind(serviceError(400, code))).isEqualTo(FailureKind.INVALID_REQUEST);
    }

    @Test
    void serverErrorsAndStreamsBeingUpdatedAreRetryable() {
        assertThat(kind(serviceError(500, "InternalFailure"))).isEqualTo(FailureKind.RETRYABLE);
        assertThat(kind(serviceError(400, "ResourceInUseException"))).isEqualTo(FailureKind.RETRYABLE);
    }

    @Test
    void timeoutsAndResetsMayHaveLandedSoTheirOutcomeIsUnknown() {
        assertThat(kind(ApiCallAttemptTimeoutException.create(5000))).isEqualTo(FailureKind.UNKNOWN_OUTCOME);
        assertThat(kind(SdkClientException.create("reset", new IOException("Connection reset by peer"))))
                .isEqualTo(FailureKind.UNKNOWN_OUTCOME);
    }

    @Test
    void aRefusedConnectionCannotHaveLandedAndIsRetryable() {
        assertThat(kind(SdkClientException.create("refused", new ConnectException("Connection refused"))))
                .isEqualTo(FailureKind.RETRYABLE);
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
