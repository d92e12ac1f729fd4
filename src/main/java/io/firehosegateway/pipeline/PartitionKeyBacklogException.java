package io.firehosegateway.pipeline;

import java.time.Duration;

/**
 * A {@code per-key} stream holds as many events of one of the request's partition keys, waiting
 * behind the key's unresolved record, as one key may: nothing of the request was taken, and the
 * client may try again once the key's backlog has drained. Other keys are still taken.
 */
public class PartitionKeyBacklogException extends RuntimeException {

    private final String stream;
    private final long maxEvents;
    private final transient Duration retryAfter;

    PartitionKeyBacklogException(String stream, long maxEvents, Duration retryAfter) {
        super("A partition key of the request has as many events waiting as one key may", null, false, false);
        this.stream = stream;
        this.maxEvents = maxEvents;
        this.retryAfter = retryAfter;
    }

    /** The stream whose key is backed up. */
    public String stream() {
        return stream;
    }

    /** Events one partition key may have waiting. */
    public long maxEvents() {
        return maxEvents;
    }

    /** How long the client should wait before it tries again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
