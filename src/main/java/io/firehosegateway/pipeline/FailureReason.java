package io.firehosegateway.pipeline;

/** Why the gateway gave up on an event: the {@code reason} of metrics, dead letters and answers. */
public enum FailureReason {

    /** Its client's delivery timeout passed first (confirmed mode). */
    DEADLINE("deadline"),

    /** The sink said its configuration is wrong (confirmed mode; the other modes pause instead). */
    CONFIGURATION("configuration"),

    /** The sink rejected the event itself for good. */
    INVALID("invalid"),

    /**
     * The event is larger than one call to its sink may carry: taken under another sink's limits
     * (a journal replayed after its stream moved to a sink with smaller calls).
     */
    TOO_LARGE("too-large");

    private final String value;

    FailureReason(String value) {
        this.value = value;
    }

    /** The reason as metrics, dead letters and problem answers spell it. */
    public String value() {
        return value;
    }
}
