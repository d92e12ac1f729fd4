package io.firehosegateway.pipeline;

/**
 * A request holds more events, or more bytes of events, than one request may ever hold in the
 * buffer: trying again cannot help, the client must split it.
 */
public class TooManyEventsException extends RuntimeException {

    private final long maxRecords;
    private final long maxBytes;

    TooManyEventsException(long maxRecords, long maxBytes) {
        super("The request has more events than one request may hold", null, false, false);
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    /** Events one request may hold. */
    public long maxRecords() {
        return maxRecords;
    }

    /** Bytes of events one request may hold. */
    public long maxBytes() {
        return maxBytes;
    }
}
