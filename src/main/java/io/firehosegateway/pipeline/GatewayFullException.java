package io.firehosegateway.pipeline;

import java.time.Duration;

/**
 * The gateway cannot take the request now, nothing of it was taken, and the client should try
 * again after {@link #retryAfter()}.
 */
public class GatewayFullException extends RuntimeException {

    /** What is full. */
    public enum Full {
        /** The memory bound: events waiting to be delivered and bodies being read. */
        BUFFER,
        /** The journal's disk bound. */
        JOURNAL
    }

    private final Full full;
    private final transient Duration retryAfter;

    GatewayFullException(Full full, Duration retryAfter) {
        super(
                full == Full.BUFFER ? "The gateway's buffer is full" : "The gateway's journal is full",
                null,
                false,
                false);
        this.full = full;
        this.retryAfter = retryAfter;
    }

    /** What is full. */
    public Full full() {
        return full;
    }

    /** How long the client should wait before it tries again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
