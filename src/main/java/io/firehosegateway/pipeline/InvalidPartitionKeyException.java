package io.firehosegateway.pipeline;

/** An event's value at its stream's partition-key pointer cannot be a key: the whole request is refused. */
public final class InvalidPartitionKeyException extends RuntimeException {

    private final int index;
    private final String id;
    private final String pointer;

    InvalidPartitionKeyException(int index, String id, String pointer, String found) {
        super("The event at index " + index + " (id " + id + ") has " + found + " at its stream's partition-key "
                + pointer + "; a key must be a string or a number");
        this.index = index;
        this.id = id;
        this.pointer = pointer;
    }

    /** The event's index in its request. */
    public int index() {
        return index;
    }

    /** The event's id. */
    public String id() {
        return id;
    }

    /** The stream's partition-key pointer. */
    public String pointer() {
        return pointer;
    }
}
