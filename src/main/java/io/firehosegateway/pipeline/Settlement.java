package io.firehosegateway.pipeline;

import io.firehosegateway.metrics.GatewayMetrics.StreamMeters;
import io.firehosegateway.sink.SinkLimits;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * Settles records: a delivered or given-up record frees its room, is counted, and tells its events'
 * tickets; a record sent again tells them it waits once more. Keeps count of the events not yet
 * settled, so draining knows when it is done. Thread-safe.
 */
final class Settlement {

    private final String stream;
    private final SinkLimits limits;
    private final ToIntFunction<byte[]> bytesAsSent;
    private final BufferBudget budget;
    private final StreamMeters meters;
    private final DeadLetterStore deadLetters;
    private final Runnable onAllSettled;
    private final Consumer<PendingRecord> onResolved;
    /** Events taken and not yet settled; lock-free, as it changes once per record. */
    private final AtomicLong unsettled = new AtomicLong();

    /**
     * @param bytesAsSent a record's bytes as the sink sends it, which the bytes meter counts
     * @param onAllSettled called when the last event taken so far is settled
     * @param onResolved called with each record delivered or given up on, before its events count
     *     as settled
     */
    Settlement(
            String stream,
            SinkLimits limits,
            ToIntFunction<byte[]> bytesAsSent,
            BufferBudget budget,
            StreamMeters meters,
            DeadLetterStore deadLetters,
            Runnable onAllSettled,
            Consumer<PendingRecord> onResolved) {
        this.stream = stream;
        this.limits = limits;
        this.bytesAsSent = bytesAsSent;
        this.budget = budget;
        this.meters = meters;
        this.deadLetters = deadLetters;
        this.onAllSettled = onAllSettled;
        this.onResolved = onResolved;
    }

    /** Events were taken; each is settled exactly once later. */
    void taken(int events) {
        unsettled.addAndGet(events);
    }

    /** Events taken and not yet settled. */
    long unsettled() {
        return unsettled.get();
    }

    /** The sink accepted the record. */
    void delivered(PendingRecord record) {
        // Room and counts first, tickets last: a client told its events are delivered finds their
        // room free and the metrics saying so.
        budget.release(record.eventCount(), record.data.length);
        long units = limits.billedUnits(record.data.length);
        meters.delivered(
                1, record.eventCount(), bytesAsSent.applyAsInt(record.data), units * limits.billingUnitBytes(), units);
        for (int i = 0; i < record.eventCount(); i++) {
            record.tickets[i].markDelivered(record.indexes[i]);
        }
        settled(record);
    }

    /** The record is given up on; without a client to tell, its events go to the dead letters. */
    void giveUp(PendingRecord record, FailureReason reason) {
        if (!Deadlines.clientWaits(record.deadlineNanos)) {
            // No client waits to hear of it: keep the events where an operator finds them.
            deadLetters.write(stream, record.data, reason);
        }
        budget.release(record.eventCount(), record.data.length);
        meters.failed(reason.value(), 1);
        for (int i = 0; i < record.eventCount(); i++) {
            record.tickets[i].markFailed(record.indexes[i], reason);
        }
        settled(record);
    }

    /** The records wait to be sent again; {@code mayHaveLanded} when their last call's outcome is unknown. */
    void waitAgain(List<PendingRecord> records, boolean mayHaveLanded) {
        for (PendingRecord record : records) {
            for (int i = 0; i < record.eventCount(); i++) {
                record.tickets[i].markQueued(record.indexes[i], mayHaveLanded || record.mayHaveLanded);
            }
        }
    }

    /** Claims every event of the record for a call; false, and the record given up, if one's deadline failed it. */
    boolean claim(PendingRecord record) {
        boolean all = true;
        for (int i = 0; i < record.eventCount(); i++) {
            all &= record.tickets[i].tryMarkInFlight(record.indexes[i]);
        }
        if (!all) {
            giveUp(record, FailureReason.DEADLINE);
        }
        return all;
    }

    private void settled(PendingRecord record) {
        onResolved.accept(record);
        if (unsettled.addAndGet(-record.eventCount()) == 0) {
            onAllSettled.run();
        }
    }
}
