package io.firehosegateway.pipeline;

import java.time.Duration;

/** The buffer cannot take the request now; the client should try again after {@link #retryAfter()}. */
public class GatewayFullException extends RuntimeException {

    private final transient Duration retryAfter;

    GatewayFullException(Duration retryAfter) {
        super("The gateway's buffer is full", null, false, false);
        this.retryAfter = retryAfter;
    }

    /** How long the client should wait before it tries again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
