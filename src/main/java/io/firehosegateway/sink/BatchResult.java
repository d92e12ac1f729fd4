package io.firehosegateway.sink;

import java.util.List;

/**
 * The answer to one call that the destination took: one outcome per record, in request order.
 *
 * @param outcomes {@link RecordOutcome#ACCEPTED} or a failure, for each record sent
 * @param userRecordsPerRecord for a sink that packs the call's records into records of its own (a
 *     Kinesis {@code kpl} stream's aggregates), how many of them each record the destination took
 *     holds; empty for a sink that sends the records as they are
 * @param billedUnits the units the service bills for the records of its own the sink sent, which
 *     the pipeline cannot count from the records it handed over; 0 otherwise
 */
public record BatchResult(List<RecordOutcome> outcomes, List<Integer> userRecordsPerRecord, long billedUnits) {

    public BatchResult {
        userRecordsPerRecord = List.copyOf(userRecordsPerRecord);
    }

    /** The answer of a sink that sends the call's records as they are. */
    public BatchResult(List<RecordOutcome> outcomes) {
        this(outcomes, List.of(), 0);
    }

    /** A result in which every one of {@code count} records was accepted. */
    public static BatchResult allAccepted(int count) {
        return new BatchResult(java.util.Collections.nCopies(count, RecordOutcome.ACCEPTED));
    }

    /** How many records failed. */
    public int failedCount() {
        int failed = 0;
        for (RecordOutcome outcome : outcomes) {
            if (!outcome.accepted()) {
                failed++;
            }
        }
        return failed;
    }
}
