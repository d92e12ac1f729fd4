package io.firehosegateway.sink.aws;

import io.firehosegateway.sink.FailureKind;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.ClockSkew;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * What every AWS sink's classifier reads the same way: how the SDK wraps a failure, the error code
 * it carries, and what a failure without an answer from the service means. Each sink classifies its
 * service's own error codes; this class knows only the transport.
 */
public final class AwsFailures {

    /** Codes of a refused signature, which a skewed clock gives as well as wrong credentials. */
    private static final Set<String> POSSIBLE_CLOCK_SKEW_CODES =
            Set.of("InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure");

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
     * Whether a service's refusal is of the moment, not of what the call holds, so that the same call
     * is taken later: {@code 408} or {@code RequestTimeout} (the request was not read in time, by the
     * service or a proxy before it), and a clock skew as the SDK recognises it: {@code
     * RequestTimeTooSkewed}, {@code RequestExpired}, {@code RequestInTheFuture}, or a refused
     * signature ({@code InvalidSignatureException}, {@code SignatureDoesNotMatch}, {@code
     * AuthFailure}) whose answer's {@code Date} is minutes away from this host's clock. From such an
     * answer the SDK corrects its client's signing clock before the call fails, whether its retries
     * are on or off, so the pipeline's resend is signed right; a refused signature without a skew
     * stays a fault of the credentials.
     */
    public static boolean isTransientRefusal(AwsServiceException service) {
        String code =
                service.awsErrorDetails() != null ? service.awsErrorDetails().errorCode() : null;
        return service.statusCode() == 408
                || "RequestTimeout".equals(code)
                || "RequestTimeoutException".equals(code)
                || service.isClockSkewException()
                || code != null && POSSIBLE_CLOCK_SKEW_CODES.contains(code) && answeredFromAnotherClock(service);
    }

    /**
     * Whether the answer's {@code Date} is minutes away from this host's clock, as the SDK judges a
     * skew. Its own judgement needs the offset the call was signed with, which the exception it
     * hands on no longer carries (rebuilt to count the attempts), so it is made again here.
     */
    private static boolean answeredFromAnotherClock(AwsServiceException service) {
        SdkHttpResponse answer = service.awsErrorDetails().sdkHttpResponse();
        if (answer == null) {
            return false;
        }
        return ClockSkew.getServerTime(answer)
                .map(serverTime -> ClockSkew.isClockSkewed(Instant.now(), serverTime))
                .orElse(false);
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
