package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.aws.AwsErrorCodes;
import io.firehosegateway.sink.aws.AwsFailures;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

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
 *   <li>No such stream, access denied, bad credentials (a refused signature without a clock skew),
 *       a disabled, missing, inaccessible or unready
 *       KMS key: {@link FailureKind#CONFIGURATION}.
 *   <li>{@code ValidationException}, {@code InvalidArgumentException} and other 4xx:
 *       {@link FailureKind#INVALID_REQUEST}.
 *   <li>Other 5xx answers, refused connections, and refusals of the moment ({@code 408}, a clock
 *       skew; see {@link AwsFailures#isTransientRefusal}): {@link FailureKind#RETRYABLE}, the call
 *       did not land.
 *   <li>Timeouts and connections lost mid-call: {@link FailureKind#UNKNOWN_OUTCOME}, it may have.
 * </ul>
 */
final class KinesisRetryClassifier {

    private static final Set<String> CONFIGURATION_CODES =
            AwsErrorCodes.union(AwsErrorCodes.AUTH, AwsErrorCodes.KMS_KEY, Set.of("ResourceNotFoundException"));

    private static final Set<String> THROTTLING_CODES = AwsErrorCodes.union(
            AwsErrorCodes.THROTTLING,
            Set.of("ProvisionedThroughputExceededException", "LimitExceededException", "KMSThrottlingException"));

    private static final Set<String> INVALID_CODES =
            Set.of("ValidationException", "InvalidArgumentException", "SerializationException");

    /** Classifies a whole-call failure. */
    SinkException classify(Throwable error) {
        Throwable cause = AwsFailures.unwrap(error);
        return new SinkException(kindOf(cause), AwsFailures.codeOf(cause), cause.getMessage(), cause);
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
            if (AwsFailures.isTransientRefusal(service)) {
                return FailureKind.RETRYABLE;
            }
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
        // No answer from Kinesis: whether it may have landed is the transport's to say.
        return AwsFailures.withoutAnswer(cause);
    }
}
