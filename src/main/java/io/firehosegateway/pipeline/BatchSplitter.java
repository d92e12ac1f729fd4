package io.firehosegateway.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the record at fault in a call the sink refused as invalid, and the event at fault in a
 * record it rejected: halving a batch, unpacking a packed record into its events.
 */
final class BatchSplitter {

    private BatchSplitter() {}

    /** The two halves of a batch of at least two records, the first first. */
    static List<List<PendingRecord>> halve(List<PendingRecord> batch) {
        int half = batch.size() / 2;
        return List.of(new ArrayList<>(batch.subList(0, half)), new ArrayList<>(batch.subList(half, batch.size())));
    }

    /** One record per event of a packed record, each keeping its own deadline and the record's history. */
    static List<PendingRecord> unpack(PendingRecord record) {
        List<PendingRecord> singles = new ArrayList<>(record.eventCount());
        int start = 0;
        for (int i = 0; i < record.eventCount(); i++) {
            // Each framed event ends at its newline; compact JSON has none inside.
            int end = start;
            while (record.data[end] != '\n') {
                end++;
            }
            PendingRecord single = PendingRecord.single(
                    Arrays.copyOfRange(record.data, start, end + 1),
                    record.key,
                    record.ids[i],
                    record.tickets[i],
                    record.indexes[i],
                    record.deadlineOf(i));
            single.mayHaveLanded = record.mayHaveLanded;
            // Sent before: a per-key lane packs only records never sent, so these go alone.
            single.attempts = record.attempts;
            singles.add(single);
            start = end + 1;
        }
        return singles;
    }
}
