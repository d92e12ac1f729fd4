package io.firehosegateway.sink;

/** How the pipeline must treat a failed record or call; sinks decide the kind, the pipeline acts. */
public enum FailureKind {

    /** The destination refused the record or call and did not keep it: send again after a backoff. */
    RETRYABLE,

    /**
     * As {@link #RETRYABLE}, because the destination is over its throughput quota: send again after
     * a backoff, and send less at once for a while.
     */
    THROTTLED,

    /** No answer came (reset, timeout): the call may have landed. Send again, counting a possible duplicate. */
    UNKNOWN_OUTCOME,

    /** The configuration is wrong (no such stream, access denied, KMS): resending the same will not help. */
    CONFIGURATION,

    /** The request itself was refused as invalid: split it to find the record at fault. */
    INVALID_REQUEST
}
