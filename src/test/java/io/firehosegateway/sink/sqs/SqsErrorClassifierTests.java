package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.support.AwsAnswers;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.model.BatchRequestTooLongException;
import software.amazon.awssdk.services.sqs.model.KmsDisabledException;
import software.amazon.awssdk.services.sqs.model.KmsThrottledException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.RequestThrottledException;
import software.amazon.awssdk.services.sqs.model.SqsException;

class SqsErrorClassifierTests {

    private final SqsErrorClassifier classifier = new SqsErrorClassifier();

    @ParameterizedTest(name = "entry {0}, sender fault {1}: {2}")
    @CsvSource({
        "InvalidParameterValue, true, INVALID_REQUEST",
        "InvalidMessageContents, true, INVALID_REQUEST",
        "AWS.SimpleQueueService.InvalidBatchEntryId, true, INVALID_REQUEST",
        "InternalError, false, RETRYABLE",
        "ServiceUnavailable, false, RETRYABLE",
        "KMS.DisabledException, true, CONFIGURATION",
        "KMS.AccessDeniedException, true, CONFIGURATION",
        "KmsNotFound, true, CONFIGURATION",
        "KMS.ThrottlingException, true, THROTTLED",
        "RequestThrottled, true, THROTTLED",
        "ThrottlingException, false, THROTTLED",
        "AccessDenied, true, CONFIGURATION"
    })
    void entriesAreClassifiedByCodeAndSenderFault(String code, boolean senderFault, FailureKind kind) {
        assertThat(classifier.classifyEntry(code, senderFault)).isEqualTo(kind);
    }

    @Test
    void anEntryWithoutSenderFaultIsRetried() {
        assertThat(classifier.classifyEntry("Whatever", null)).isEqualTo(FailureKind.RETRYABLE);
    }

    @ParameterizedTest(name = "{0} ({1}): {2}")
    @CsvSource({
        "AWS.SimpleQueueService.NonExistentQueue, 400, CONFIGURATION",
        "QueueDoesNotExist, 400, CONFIGURATION",
        "com.amazonaws.sqs#QueueDoesNotExist, 400, CONFIGURATION",
        "AccessDenied, 403, CONFIGURATION",
        "AccessDeniedException, 400, CONFIGURATION",
        "KMS.DisabledException, 400, CONFIGURATION",
        "KMS.NotFoundException, 400, CONFIGURATION",
        "InvalidClientTokenId, 403, CONFIGURATION",
        "RequestThrottled, 400, THROTTLED",
        "ThrottlingException, 400, THROTTLED",
        "Throttling, 400, THROTTLED",
        "KMS.ThrottlingException, 400, THROTTLED",
        "ServiceUnavailable, 503, THROTTLED",
        "InternalError, 500, RETRYABLE",
        "AWS.SimpleQueueService.BatchRequestTooLong, 400, INVALID_REQUEST",
        "InvalidParameterValue, 400, INVALID_REQUEST"
    })
    void wholeCallErrorsAreClassifiedByCode(String code, int status, FailureKind kind) {
        SqsException error = (SqsException) SqsException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
                .build();

        assertThat(classifier.classify(new CompletionException(error)).kind()).isEqualTo(kind);
        assertThat(classifier.classify(error).code()).isEqualTo(code);
    }

    @Test
    void wholeCallErrorsAreClassifiedByTheirModeledException() {
        assertThat(classifier
                        .classify(QueueDoesNotExistException.builder()
                                .statusCode(400)
                                .build())
                        .kind())
                .isEqualTo(FailureKind.CONFIGURATION);
        assertThat(classifier
                        .classify(KmsDisabledException.builder().statusCode(400).build())
                        .kind())
                .isEqualTo(FailureKind.CONFIGURATION);
        assertThat(classifier
                        .classify(RequestThrottledException.builder()
                                .statusCode(400)
                                .build())
                        .kind())
                .isEqualTo(FailureKind.THROTTLED);
        assertThat(classifier
                        .classify(
                                KmsThrottledException.builder().statusCode(400).build())
                        .kind())
                .isEqualTo(FailureKind.THROTTLED);
        assertThat(classifier
                        .classify(BatchRequestTooLongException.builder()
                                .statusCode(400)
                                .build())
                        .kind())
                .isEqualTo(FailureKind.INVALID_REQUEST);
    }

    @Test
    void clientSideFailuresSayWhetherTheCallMayHaveLanded() {
        SdkClientException refused = SdkClientException.create("connect", new ConnectException("refused"));
        SdkClientException reset = SdkClientException.create("io", new IOException("Connection reset"));

        assertThat(classifier.classify(refused).kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(classifier.classify(reset).kind()).isEqualTo(FailureKind.UNKNOWN_OUTCOME);
        assertThat(classifier
                        .classify(ApiCallAttemptTimeoutException.create(5000))
                        .kind())
                .isEqualTo(FailureKind.UNKNOWN_OUTCOME);
    }

    @Test
    void codesLoseTheirNamespaces() {
        assertThat(SqsErrorClassifier.normalize("AWS.SimpleQueueService.NonExistentQueue"))
                .isEqualTo("nonexistentqueue");
        assertThat(SqsErrorClassifier.normalize("com.amazonaws.sqs#QueueDoesNotExist"))
                .isEqualTo("queuedoesnotexist");
        assertThat(SqsErrorClassifier.normalize("RequestThrottled;Sender")).isEqualTo("requestthrottled");
        assertThat(SqsErrorClassifier.normalize(null)).isEmpty();
    }

    @Test
    void requestTimeoutsAndClockSkewAreTransientButARefusedSignatureWithoutSkewIsNot() {
        Instant anHourAhead = Instant.now().plus(Duration.ofHours(1));

        assertThat(kindOf(serviceError(408, null))).isEqualTo(FailureKind.RETRYABLE);
        assertThat(kindOf(serviceError(400, null))).isEqualTo(FailureKind.INVALID_REQUEST);
        assertThat(kindOf(serviceError(400, "RequestTimeout"))).isEqualTo(FailureKind.RETRYABLE);
        assertThat(kindOf(serviceError(400, "RequestExpired"))).isEqualTo(FailureKind.RETRYABLE);
        assertThat(kindOf(serviceError(403, "RequestTimeTooSkewed"))).isEqualTo(FailureKind.RETRYABLE);
        assertThat(kindOf(AwsAnswers.answeredAt(serviceError(400, "InvalidSignatureException"), anHourAhead)))
                .isEqualTo(FailureKind.RETRYABLE);
        assertThat(kindOf(AwsAnswers.answeredAt(serviceError(403, "SignatureDoesNotMatch"), anHourAhead)))
                .isEqualTo(FailureKind.RETRYABLE);
        assertThat(kindOf(AwsAnswers.answeredAt(serviceError(400, "InvalidSignatureException"), Instant.now())))
                .isEqualTo(FailureKind.CONFIGURATION);
    }

    private FailureKind kindOf(SqsException error) {
        return classifier.classify(new CompletionException(error)).kind();
    }

    private static SqsException serviceError(int status, String code) {
        return (SqsException) SqsException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
                .build();
    }
}
