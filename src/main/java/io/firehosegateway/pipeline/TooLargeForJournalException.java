package io.firehosegateway.pipeline;

/**
 * A request whose events take more room than the whole journal may hold: it could never be
 * written, however long the client waits, so it is refused for good rather than "try again".
 */
public class TooLargeForJournalException extends RuntimeException {

    private final long requestBytes;
    private final long journalBytes;

    TooLargeForJournalException(long requestBytes, long journalBytes) {
        super(
                "The request takes " + requestBytes + " bytes in the journal, more than its whole size of "
                        + journalBytes + " bytes (gateway.journal.max-size)",
                null,
                false,
                false);
        this.requestBytes = requestBytes;
        this.journalBytes = journalBytes;
    }

    /** Bytes the request would take in the journal. */
    public long requestBytes() {
        return requestBytes;
    }

    /** The journal's configured size. */
    public long journalBytes() {
        return journalBytes;
    }
}
