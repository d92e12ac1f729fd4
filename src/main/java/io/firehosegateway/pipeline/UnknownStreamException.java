package io.firehosegateway.pipeline;

/** A client named a stream that is neither the default stream nor one configured. */
public class UnknownStreamException extends RuntimeException {

    private final String stream;

    UnknownStreamException(String stream) {
        super("No stream named '" + stream + "' is configured", null, false, false);
        this.stream = stream;
    }

    /** The name the client gave. */
    public String stream() {
        return stream;
    }
}
