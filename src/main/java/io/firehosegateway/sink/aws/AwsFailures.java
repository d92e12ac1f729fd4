package io.firehosegateway.sink.aws;

import io.firehosegateway.sink.FailureKind;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * What every AWS sink's classifier reads the same way: how the SDK wraps a failure, the error code
 * it carries, and what a failure without an answer from the service means. Each sink classifies its
 * service's own error codes; this class knows only the transport.
 */
public final class AwsFailures {

    private AwsFailures() {}

    /** The failure behind the future's wrapping. */
    public static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The service's error code, or for a failure without an answer the name of its I/O cause. */
    public static String codeOf(Throwable cause) {
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

    /**
     * What a call that got no answer from the service means: refused before a byte was sent (no
     * connection, no free connection in time), it cannot have landed; timed out, reset or closed, it
     * may have.
     */
    public static FailureKind withoutAnswer(Throwable cause) {
        if (cause instanceof ApiCallTimeoutException || cause instanceof ApiCallAttemptTimeoutException) {
            return FailureKind.UNKNOWN_OUTCOME;
        }
        if (hasCause(cause, ConnectException.class)) {
            return FailureKind.RETRYABLE;
        }
        if (cause instanceof SdkClientException && isAcquireTimeout(cause)) {
            return FailureKind.RETRYABLE;
        }
        return FailureKind.UNKNOWN_OUTCOME;
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
}
