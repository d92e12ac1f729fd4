package io.firehosegateway.sink;

import java.util.List;

/**
 * The answer to one call that the destination took: one outcome per record, in request order.
 *
 * @param outcomes {@link RecordOutcome#ACCEPTED} or a failure, for each record sent
 */
public record BatchResult(List<RecordOutcome> outcomes) {

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
