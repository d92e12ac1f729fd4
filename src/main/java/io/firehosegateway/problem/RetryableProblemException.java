package io.firehosegateway.problem;

/** A problem the client may solve by waiting: answered with {@code Retry-After}. */
public class RetryableProblemException extends ProblemException {

    private final long retryAfterSeconds;

    public RetryableProblemException(ProblemType type, String detail, long retryAfterSeconds) {
        super(type, detail);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds the client should wait before it tries again. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
