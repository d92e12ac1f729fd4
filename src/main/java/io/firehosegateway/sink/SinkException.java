package io.firehosegateway.sink;

/** A whole call failed; {@link #kind()} tells the pipeline what to do about it. */
public class SinkException extends RuntimeException {

    private final FailureKind kind;
    private final String code;

    public SinkException(FailureKind kind, String code, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
    }

    /** How the failure is to be treated. */
    public FailureKind kind() {
        return kind;
    }

    /** A short, low-cardinality name of the failure, fit for a metric tag or a log line. */
    public String code() {
        return code;
    }
}
