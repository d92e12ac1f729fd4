package io.firehosegateway.sink.firehose;

import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.aws.AwsErrorCodes;
import io.firehosegateway.sink.aws.AwsFailures;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.InvalidKmsResourceException;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.ServiceUnavailableException;

/**
 * Decides what kind of failure a Firehose error is; the pipeline decides what to do about it.
 *
 * <ul>
 *   <li>Throttling ({@code ServiceUnavailableException}, 429): {@link FailureKind#THROTTLED}, the call did not land.
 *   <li>Other 5xx answers, refused connections, and refusals of the moment ({@code 408}, a clock
 *       skew; see {@link AwsFailures#isTransientRefusal}): {@link FailureKind#RETRYABLE}, the call
 *       did not land.
 *   <li>Timeouts and connections lost mid-call: {@link FailureKind#UNKNOWN_OUTCOME}, it may have.
 *   <li>No such stream, access denied, bad credentials (a refused signature without a clock skew),
 *       KMS: {@link FailureKind#CONFIGURATION}.
 *   <li>Invalid argument and other 4xx: {@link FailureKind#INVALID_REQUEST}.
 * </ul>
 */
final class FirehoseRetryClassifier {

    /** Firehose counts a throttled KMS key against the stream's key, not against the caller's rate. */
    private static final Set<String> CONFIGURATION_CODES =
            AwsErrorCodes.union(AwsErrorCodes.AUTH, AwsErrorCodes.KMS_KEY, Set.of("KMSThrottlingException"));

    private static final Set<String> THROTTLING_CODES =
            AwsErrorCodes.union(AwsErrorCodes.THROTTLING, Set.of("LimitExceededException"));

    /** Classifies a whole-call failure. */
    SinkException classify(Throwable error) {
        Throwable cause = AwsFailures.unwrap(error);
        return new SinkException(kindOf(cause), AwsFailures.codeOf(cause), cause.getMessage(), cause);
    }

    /** Classifies a failed entry of an answer; Firehose names only throttling and internal failures. */
    FailureKind classifyEntry(String errorCode) {
        if (CONFIGURATION_CODES.contains(errorCode)) {
            return FailureKind.CONFIGURATION;
        }
        return "ServiceUnavailableException".equals(errorCode) || THROTTLING_CODES.contains(errorCode)
                ? FailureKind.THROTTLED
                : FailureKind.RETRYABLE;
    }

    private static FailureKind kindOf(Throwable cause) {
        if (cause instanceof ServiceUnavailableException) {
            return FailureKind.THROTTLED;
        }
        if (cause instanceof ResourceNotFoundException || cause instanceof InvalidKmsResourceException) {
            return FailureKind.CONFIGURATION;
        }
        if (cause instanceof InvalidArgumentException) {
            return FailureKind.INVALID_REQUEST;
        }
        if (cause instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() != null
                    ? service.awsErrorDetails().errorCode()
                    : null;
            int status = service.statusCode();
            if (AwsFailures.isTransientRefusal(service)) {
                return FailureKind.RETRYABLE;
            }
            if (code != null && CONFIGURATION_CODES.contains(code) || status == 401 || status == 403) {
                return FailureKind.CONFIGURATION;
            }
            if (code != null && THROTTLING_CODES.contains(code) || status == 429 || status == 503) {
                return FailureKind.THROTTLED;
            }
            if (status >= 500) {
                return FailureKind.RETRYABLE;
            }
            return FailureKind.INVALID_REQUEST;
        }
        // No answer from Firehose: whether it may have landed is the transport's to say.
        return AwsFailures.withoutAnswer(cause);
    }
}
