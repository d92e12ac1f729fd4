package io.firehosegateway.pipeline;

import io.firehosegateway.metrics.StreamMeters;
import io.firehosegateway.sink.SinkLimits;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
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

    /**
     * The sink accepted the records of one call. Their room and counts change once for the call,
     * not once per record: five counters and two atomics per record were 2,500 updates for a full
     * Firehose call.
     */
    void delivered(List<PendingRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        int events = 0;
        long rawBytes = 0;
        long sentBytes = 0;
        long units = 0;
        for (PendingRecord record : records) {
            events += record.eventCount();
            rawBytes += record.data.length;
            sentBytes += bytesAsSent.applyAsInt(record.data);
            units += limits.billedUnits(record.data.length);
        }
        // Room and counts first, tickets last: a client told its events are delivered finds their
        // room free and the metrics saying so.
        budget.release(events, rawBytes);
        meters.delivered(records.size(), events, sentBytes, units * limits.billingUnitBytes(), units);
        for (PendingRecord record : records) {
            for (int i = 0; i < record.eventCount(); i++) {
                record.tickets[i].markDelivered(record.indexes[i]);
            }
            settled(record);
        }
    }

    /** The record is given up on; without a client to tell, its events go to the dead letters. */
    void giveUp(PendingRecord record, FailureReason reason) {
        giveUp(record, reason, true);
    }

    /**
     * @param resolvesItsKey false for events split off a record whose other events go on: those
     *     still hold its key's lane
     */
    private void giveUp(PendingRecord record, FailureReason reason, boolean resolvesItsKey) {
        if (!Deadlines.clientWaits(record.deadlineNanos) && !deadLetters.write(stream, record.data, reason)) {
            // No client waits to hear of them and no dead letter holds them: their tickets say so,
            // before they complete, so the journal keeps their entry.
            for (int i = 0; i < record.eventCount(); i++) {
                record.tickets[i].deadLetterNotWritten();
            }
        }
        budget.release(record.eventCount(), record.data.length);
        meters.failed(reason.value(), 1);
        for (int i = 0; i < record.eventCount(); i++) {
            // A record given up on before it waited again carries its unknown outcome here alone.
            record.tickets[i].markFailed(record.indexes[i], reason, record.mayHaveLanded);
        }
        if (resolvesItsKey) {
            settled(record);
        } else {
            countSettled(record.eventCount());
        }
    }

    /** The records wait to be sent again; {@code mayHaveLanded} when their last call's outcome is unknown. */
    void waitAgain(List<PendingRecord> records, boolean mayHaveLanded) {
        for (PendingRecord record : records) {
            for (int i = 0; i < record.eventCount(); i++) {
                record.tickets[i].markQueued(record.indexes[i], mayHaveLanded || record.mayHaveLanded);
            }
        }
    }

    /**
     * Claims the record's events for a call and returns what to send: the record itself; or, when
     * deadlines failed some of its events (a pack of several requests' events), a record of the
     * others, the failed ones given up alone, so an earlier request's deadline never fails a later
     * one's events; or {@code null} when they failed all of them, the record given up.
     */
    PendingRecord claim(PendingRecord record) {
        return withoutExpired(record, i -> !record.tickets[i].tryMarkInFlight(record.indexes[i]));
    }

    /**
     * The record failed a call and would be sent again at {@code dueNanos}: gives up the events
     * whose deadline passes by then and returns what waits, as {@link #claim} does: the record
     * itself, a record of its other events, or {@code null} when none is left.
     */
    PendingRecord giveUpExpiringBy(PendingRecord record, long dueNanos) {
        return withoutExpired(record, i -> {
            long deadline = record.deadlineOf(i);
            return Deadlines.clientWaits(deadline) && dueNanos - deadline >= 0;
        });
    }

    /**
     * Gives up the record's expired events and returns a record of the others.
     *
     * @param expiredEvent whether the record's {@code i}-th event expired; asked once per event, in
     *     order, as asking may claim the event
     */
    private PendingRecord withoutExpired(PendingRecord record, IntPredicate expiredEvent) {
        int count = record.eventCount();
        boolean[] expired = null;
        int live = 0;
        for (int i = 0; i < count; i++) {
            if (!expiredEvent.test(i)) {
                live++;
                continue;
            }
            if (expired == null) {
                expired = new boolean[count];
            }
            expired[i] = true;
        }
        if (expired == null) {
            return record;
        }
        if (live == 0) {
            giveUp(record, FailureReason.DEADLINE);
            return null;
        }
        List<PendingRecord> singles = BatchSplitter.unpack(record);
        PendingRecord[] kept = new PendingRecord[live];
        int bytes = 0;
        int next = 0;
        for (int i = 0; i < count; i++) {
            PendingRecord single = singles.get(i);
            if (expired[i]) {
                giveUp(single, FailureReason.DEADLINE, false);
            } else {
                kept[next++] = single;
                bytes += single.data.length;
            }
        }
        PendingRecord rest = PendingRecord.packed(kept, live, bytes);
        rest.attempts = record.attempts;
        rest.mayHaveLanded = record.mayHaveLanded;
        return rest;
    }

    private void settled(PendingRecord record) {
        onResolved.accept(record);
        countSettled(record.eventCount());
    }

    private void countSettled(int events) {
        if (unsettled.addAndGet(-events) == 0) {
            onAllSettled.run();
        }
    }
}
