package io.firehosegateway.pipeline;

import java.time.Duration;

/**
 * The bodies being read for one API key already hold its share of the buffer; nothing of this
 * request was taken, and the key may try again once its other requests are answered.
 */
public class ShareExceededException extends RuntimeException {

    private final long maxRecords;
    private final long maxBytes;
    private final transient Duration retryAfter;

    ShareExceededException(long maxRecords, long maxBytes, Duration retryAfter) {
        super("The requests being read for this key hold its share of the buffer", null, false, false);
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.retryAfter = retryAfter;
    }

    /** Events the bodies of one key may hold together. */
    public long maxRecords() {
        return maxRecords;
    }

    /** Bytes the bodies of one key may hold together. */
    public long maxBytes() {
        return maxBytes;
    }

    /** How long the client should wait before it tries again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
