package io.firehosegateway.sink.sqs;

import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.aws.AwsErrorCodes;
import io.firehosegateway.sink.aws.AwsFailures;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sqs.model.BatchEntryIdsNotDistinctException;
import software.amazon.awssdk.services.sqs.model.BatchRequestTooLongException;
import software.amazon.awssdk.services.sqs.model.EmptyBatchRequestException;
import software.amazon.awssdk.services.sqs.model.InvalidAddressException;
import software.amazon.awssdk.services.sqs.model.InvalidBatchEntryIdException;
import software.amazon.awssdk.services.sqs.model.InvalidSecurityException;
import software.amazon.awssdk.services.sqs.model.KmsAccessDeniedException;
import software.amazon.awssdk.services.sqs.model.KmsDisabledException;
import software.amazon.awssdk.services.sqs.model.KmsInvalidKeyUsageException;
import software.amazon.awssdk.services.sqs.model.KmsInvalidStateException;
import software.amazon.awssdk.services.sqs.model.KmsNotFoundException;
import software.amazon.awssdk.services.sqs.model.KmsOptInRequiredException;
import software.amazon.awssdk.services.sqs.model.KmsThrottledException;
import software.amazon.awssdk.services.sqs.model.QueueDeletedRecentlyException;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.RequestThrottledException;
import software.amazon.awssdk.services.sqs.model.TooManyEntriesInBatchRequestException;

/**
 * Decides what kind of failure an SQS error is; the pipeline decides what to do about it. SQS speaks
 * JSON but keeps its query-protocol codes ({@code AWS.SimpleQueueService.NonExistentQueue},
 * {@code KMS.DisabledException}) beside the JSON ones ({@code QueueDoesNotExist}); both are known.
 *
 * <p>Whole calls:
 *
 * <ul>
 *   <li>Throttling ({@code RequestThrottled}, {@code ThrottlingException}, a FIFO queue over its
 *       quota per action, KMS throttling, 429, 503): {@link FailureKind#THROTTLED}.
 *   <li>No such queue, a queue deleted moments ago, access denied, bad credentials (a refused
 *       signature without a clock skew), a KMS key
 *       disabled, missing or refused: {@link FailureKind#CONFIGURATION}.
 *   <li>A batch SQS refused as a whole (too long, ids not distinct): {@link FailureKind#INVALID_REQUEST},
 *       so the pipeline halves it until the record at fault stands alone; other 4xx too.
 *   <li>Other 5xx answers, refused connections, and refusals of the moment ({@code 408}, a clock
 *       skew; see {@link AwsFailures#isTransientRefusal}): {@link FailureKind#RETRYABLE}; timeouts
 *       and connections lost mid-call: {@link FailureKind#UNKNOWN_OUTCOME}.
 * </ul>
 *
 * <p>Entries of a 200 answer: an entry marked {@code SenderFault} is wrong for good
 * ({@link FailureKind#INVALID_REQUEST}: dead-lettered in the 202 modes, failed in confirmed mode),
 * except a KMS error, which is the queue's configuration even when SQS blames the sender: a
 * disabled key must pause the stream, not dead-letter every event. Throttled entries are
 * {@link FailureKind#THROTTLED}; any other entry SQS failed is {@link FailureKind#RETRYABLE}.
 */
final class SqsErrorClassifier {

    /**
     * Compared in lower case, as {@link #normalize} leaves every code. SQS's KMS codes are not listed:
     * its query protocol names them {@code KMS.*} as well, so {@link #isKms} takes them by prefix.
     */
    private static final Set<String> CONFIGURATION_CODES = AwsErrorCodes.union(
            AwsErrorCodes.lowerCase(AwsErrorCodes.AUTH),
            Set.of(
                    "queuedoesnotexist",
                    "nonexistentqueue",
                    "queuedeletedrecently",
                    "invalidsecurity",
                    "invalidaddress",
                    "signaturedoesnotmatch",
                    "expiredtoken",
                    "unsupportedoperation"));

    private static final Set<String> THROTTLING_CODES = AwsErrorCodes.union(
            AwsErrorCodes.lowerCase(AwsErrorCodes.THROTTLING),
            Set.of("requestthrottled", "kms.throttlingexception", "kmsthrottled", "overlimit"));

    /** Classifies a whole-call failure. */
    SinkException classify(Throwable error) {
        Throwable cause = AwsFailures.unwrap(error);
        if (cause instanceof SinkException sinkException) {
            return sinkException;
        }
        return new SinkException(kindOf(cause), AwsFailures.codeOf(cause), cause.getMessage(), cause);
    }

    /** Classifies a failed entry of an answer by its code and {@code SenderFault}. */
    FailureKind classifyEntry(String code, Boolean senderFault) {
        String normal = normalize(code);
        if (isThrottling(normal)) {
            return FailureKind.THROTTLED;
        }
        if (isKms(normal) || CONFIGURATION_CODES.contains(normal)) {
            return FailureKind.CONFIGURATION;
        }
        return Boolean.TRUE.equals(senderFault) ? FailureKind.INVALID_REQUEST : FailureKind.RETRYABLE;
    }

    private static FailureKind kindOf(Throwable cause) {
        if (cause instanceof RequestThrottledException || cause instanceof KmsThrottledException) {
            return FailureKind.THROTTLED;
        }
        if (cause instanceof QueueDoesNotExistException
                || cause instanceof QueueDeletedRecentlyException
                || cause instanceof InvalidSecurityException
                || cause instanceof InvalidAddressException
                || cause instanceof KmsAccessDeniedException
                || cause instanceof KmsDisabledException
                || cause instanceof KmsInvalidKeyUsageException
                || cause instanceof KmsInvalidStateException
                || cause instanceof KmsNotFoundException
                || cause instanceof KmsOptInRequiredException) {
            return FailureKind.CONFIGURATION;
        }
        if (cause instanceof BatchRequestTooLongException
                || cause instanceof TooManyEntriesInBatchRequestException
                || cause instanceof EmptyBatchRequestException
                || cause instanceof BatchEntryIdsNotDistinctException
                || cause instanceof InvalidBatchEntryIdException) {
            return FailureKind.INVALID_REQUEST;
        }
        if (cause instanceof AwsServiceException service) {
            String code = normalize(
                    service.awsErrorDetails() != null
                            ? service.awsErrorDetails().errorCode()
                            : null);
            int status = service.statusCode();
            if (isThrottling(code) || status == 429 || status == 503) {
                return FailureKind.THROTTLED;
            }
            if (AwsFailures.isTransientRefusal(service)) {
                return FailureKind.RETRYABLE;
            }
            if (CONFIGURATION_CODES.contains(code) || isKms(code) || status == 401 || status == 403) {
                return FailureKind.CONFIGURATION;
            }
            if (status >= 500) {
                return FailureKind.RETRYABLE;
            }
            return FailureKind.INVALID_REQUEST;
        }
        // No answer from SQS: whether it may have landed is the transport's to say.
        return AwsFailures.withoutAnswer(cause);
    }

    /**
     * A code without its namespaces, in lower case: {@code AWS.SimpleQueueService.NonExistentQueue}
     * and {@code com.amazonaws.sqs#QueueDoesNotExist} become {@code nonexistentqueue} and
     * {@code queuedoesnotexist}; the {@code KMS.} prefix stays.
     */
    static String normalize(String code) {
        if (code == null) {
            return "";
        }
        String normal = code.trim();
        int hash = normal.lastIndexOf('#');
        if (hash >= 0) {
            normal = normal.substring(hash + 1);
        }
        int semicolon = normal.indexOf(';');
        if (semicolon >= 0) {
            normal = normal.substring(0, semicolon);
        }
        if (normal.startsWith("AWS.SimpleQueueService.")) {
            normal = normal.substring("AWS.SimpleQueueService.".length());
        }
        return normal.toLowerCase(Locale.ROOT);
    }

    private static boolean isThrottling(String normal) {
        return THROTTLING_CODES.contains(normal) || normal.contains("throttl");
    }

    private static boolean isKms(String normal) {
        return normal.startsWith("kms");
    }
}
