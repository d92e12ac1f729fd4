package io.firehosegateway.journal;

/** The journal has used all the disk it may; nothing of the request was written. */
public class JournalFullException extends RuntimeException {

    public JournalFullException(long maxBytes) {
        super("The journal is full (" + maxBytes + " bytes)", null, false, false);
    }
}
