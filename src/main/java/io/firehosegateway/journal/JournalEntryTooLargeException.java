package io.firehosegateway.journal;

/** An entry larger than the whole journal may hold: it could never be written, so it is refused for good. */
public class JournalEntryTooLargeException extends RuntimeException {

    private final long entryBytes;
    private final long maxBytes;

    public JournalEntryTooLargeException(long entryBytes, long maxBytes) {
        super(
                "The entry takes " + entryBytes + " bytes, more than the journal's whole size of " + maxBytes
                        + " bytes",
                null,
                false,
                false);
        this.entryBytes = entryBytes;
        this.maxBytes = maxBytes;
    }

    /** Bytes the entry would take in the journal. */
    public long entryBytes() {
        return entryBytes;
    }

    /** The journal's configured size. */
    public long maxBytes() {
        return maxBytes;
    }
}
