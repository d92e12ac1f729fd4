package io.firehosegateway.pipeline;

/**
 * An event within its stream's limit as received but over it as the stream's sink sends it (SQS
 * writes characters it refuses as 6-byte escapes): it could never be delivered, so the request is
 * refused whole before any of it is taken.
 */
public class EventTooLargeAsSentException extends RuntimeException {

    private final int index;
    private final String id;
    private final int bytesAsSent;
    private final int maxBytes;

    EventTooLargeAsSentException(int index, String id, int bytesAsSent, int maxBytes) {
        super(
                "event " + index + " is " + bytesAsSent + " bytes as its sink sends it, over " + maxBytes,
                null,
                false,
                false);
        this.index = index;
        this.id = id;
        this.bytesAsSent = bytesAsSent;
        this.maxBytes = maxBytes;
    }

    /** The event's index in the request. */
    public int index() {
        return index;
    }

    /** The event's id. */
    public String id() {
        return id;
    }

    /** Its bytes as the sink sends it. */
    public int bytesAsSent() {
        return bytesAsSent;
    }

    /** The largest record the stream's sink takes. */
    public int maxBytes() {
        return maxBytes;
    }
}
