package io.firehosegateway.sink.aws;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The error codes every AWS service the gateway sends to answers alike, as each service's
 * classifier reads them: the caller's credentials or permissions refused, a KMS key that cannot be
 * used, the caller throttled. Each classifier joins its service's own codes to these; a code only
 * some services give (Kinesis's {@code ProvisionedThroughputExceededException}, SQS's {@code
 * RequestThrottled}) stays with its service.
 */
public final class AwsErrorCodes {

    /**
     * Credentials or permissions refused: a fault of the configuration, never of the moment (a
     * refused signature that a skewed clock explains is read first, by {@link
     * AwsFailures#isTransientRefusal}).
     */
    public static final Set<String> AUTH = Set.of(
            "AccessDeniedException",
            "AccessDenied",
            "UnrecognizedClientException",
            "InvalidSignatureException",
            "IncompleteSignature",
            "InvalidClientTokenId",
            "ExpiredTokenException",
            "MissingAuthenticationToken");

    /**
     * The stream's KMS key refused, disabled, missing or not ready: a fault of the configuration, as
     * the JSON protocols of Firehose and Kinesis name it.
     */
    public static final Set<String> KMS_KEY = Set.of(
            "KMSAccessDeniedException",
            "KMSDisabledException",
            "KMSInvalidStateException",
            "KMSNotFoundException",
            "KMSOptInRequired");

    /** The caller over its rate: the call did not land and is taken later. */
    public static final Set<String> THROTTLING =
            Set.of("ThrottlingException", "Throttling", "TooManyRequestsException");

    private AwsErrorCodes() {}

    /** One set of all the codes in {@code tables}. */
    @SafeVarargs
    public static Set<String> union(Set<String>... tables) {
        Set<String> all = new HashSet<>();
        for (Set<String> table : tables) {
            all.addAll(table);
        }
        return Set.copyOf(all);
    }

    /** The codes in lower case, for a service whose classifier compares its codes that way (SQS). */
    public static Set<String> lowerCase(Set<String> codes) {
        return codes.stream().map(code -> code.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
