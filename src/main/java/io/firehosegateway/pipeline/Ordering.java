package io.firehosegateway.pipeline;

/** What a stream promises about the order of the events of one partition key. */
public enum Ordering {

    /** Nothing: a retried record can land after records sent later. */
    NONE,

    /**
     * Of two events with the same key, the one admitted first reaches the destination first, also
     * when the first failed and was retried: at most one record of a key is unresolved at a time.
     */
    PER_KEY
}
