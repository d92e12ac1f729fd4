package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.SinkException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Decides what kind of failure a Kinesis Data Streams error is; the pipeline decides what to do.
 *
 * <ul>
 *   <li>Failed entries of an answer: {@code ProvisionedThroughputExceededException} is
 *       {@link FailureKind#THROTTLED} (the entry's shard is over its limit), {@code InternalFailure}
 *       {@link FailureKind#RETRYABLE}; both did not land.
 *   <li>Whole calls throttled ({@code ThrottlingException}, {@code LimitExceededException},
 *       {@code KMSThrottlingException}, {@code ProvisionedThroughputExceededException}, 429, 503):
 *       {@link FailureKind#THROTTLED}.
 *   <li>No such stream, access denied, bad credentials, a disabled, missing, inaccessible or unready
 *       KMS key: {@link FailureKind#CONFIGURATION}.
 *   <li>{@code ValidationException}, {@code InvalidArgumentException} and other 4xx:
 *       {@link FailureKind#INVALID_REQUEST}.
 *   <li>Other 5xx answers, refused connections: {@link FailureKind#RETRYABLE}, the call did not land.
 *   <li>Timeouts and connections lost mid-call: {@link FailureKind#UNKNOWN_OUTCOME}, it may have.
 * </ul>
 */
final class KinesisRetryClassifier {

    private static final Set<String> CONFIGURATION_CODES = Set.of(
            "ResourceNotFoundException",
            "AccessDeniedException",
            "AccessDenied",
            "UnrecognizedClientException",
            "InvalidSignatureException",
            "IncompleteSignature",
            "InvalidClientTokenId",
            "ExpiredTokenException",
            "MissingAuthenticationToken",
            "KMSAccessDeniedException",
            "KMSDisabledException",
            "KMSInvalidStateException",
            "KMSNotFoundException",
            "KMSOptInRequired");

    private static final Set<String> THROTTLING_CODES = Set.of(
            "ProvisionedThroughputExceededException",
            "ThrottlingException",
            "Throttling",
            "TooManyRequestsException",
            "LimitExceededException",
            "KMSThrottlingException");

    private static final Set<String> INVALID_CODES =
            Set.of("ValidationException", "InvalidArgumentException", "SerializationException");

    /** Classifies a whole-call failure. */
    SinkException classify(Throwable error) {
        Throwable cause = unwrap(error);
        return new SinkException(kindOf(cause), codeOf(cause), cause.getMessage(), cause);
    }

    /**
     * Classifies a failed entry of a {@code PutRecords} answer. Kinesis names only
     * {@code ProvisionedThroughputExceededException} and {@code InternalFailure}; anything else it
     * may name one day is retried as the latter is, unless it is a configuration fault.
     */
    FailureKind classifyEntry(String errorCode) {
        if (THROTTLING_CODES.contains(errorCode)) {
            return FailureKind.THROTTLED;
        }
        if (CONFIGURATION_CODES.contains(errorCode)) {
            return FailureKind.CONFIGURATION;
        }
        return FailureKind.RETRYABLE;
    }

    private static FailureKind kindOf(Throwable cause) {
        if (cause instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() != null
                    ? service.awsErrorDetails().errorCode()
                    : null;
            int status = service.statusCode();
            if (code != null && CONFIGURATION_CODES.contains(code)) {
                return FailureKind.CONFIGURATION;
            }
            if (code != null && THROTTLING_CODES.contains(code) || status == 429 || status == 503) {
                return FailureKind.THROTTLED;
            }
            if (code != null && INVALID_CODES.contains(code)) {
                return FailureKind.INVALID_REQUEST;
            }
            if (status == 401 || status == 403) {
                return FailureKind.CONFIGURATION;
            }
            if (status >= 500 || "ResourceInUseException".equals(code)) {
                // A stream being updated takes records again once it is ACTIVE.
                return FailureKind.RETRYABLE;
            }
            return FailureKind.INVALID_REQUEST;
        }
        if (cause instanceof ApiCallTimeoutException || cause instanceof ApiCallAttemptTimeoutException) {
            return FailureKind.UNKNOWN_OUTCOME;
        }
        if (hasCause(cause, ConnectException.class)) {
            // Refused before a byte was sent: the call cannot have landed.
            return FailureKind.RETRYABLE;
        }
        if (cause instanceof SdkClientException && isAcquireTimeout(cause)) {
            return FailureKind.RETRYABLE;
        }
        // Reset, closed channel, unknown client errors: the request may have reached Kinesis.
        return FailureKind.UNKNOWN_OUTCOME;
    }

    private static String codeOf(Throwable cause) {
        if (cause instanceof AwsServiceException service
                && service.awsErrorDetails() != null
                && service.awsErrorDetails().errorCode() != null) {
            return service.awsErrorDetails().errorCode();
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof IOException)) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    private static boolean isAcquireTimeout(Throwable cause) {
        String message = cause.getMessage();
        return message != null && message.contains("Acquire operation took longer");
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
