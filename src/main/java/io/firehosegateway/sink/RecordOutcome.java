package io.firehosegateway.sink;

/**
 * What became of one record of a call.
 *
 * @param kind {@code null} when the record was accepted, else what kind of failure it was
 * @param errorCode the destination's error code, or {@code null} when accepted
 * @param errorMessage the destination's message, or {@code null} when accepted
 */
public record RecordOutcome(FailureKind kind, String errorCode, String errorMessage) {

    /** The outcome of a record the destination accepted. */
    public static final RecordOutcome ACCEPTED = new RecordOutcome(null, null, null);

    /** Whether the destination accepted the record. */
    public boolean accepted() {
        return kind == null;
    }
}
