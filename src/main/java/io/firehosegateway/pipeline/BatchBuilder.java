package io.firehosegateway.pipeline;

import static io.firehosegateway.sink.BatchLimits.MAX_EVENTS_PER_RECORD;
import static io.firehosegateway.sink.BatchLimits.MAX_RECORDS;
import static io.firehosegateway.sink.BatchLimits.MAX_REQUEST_BYTES;
import static io.firehosegateway.sink.BatchLimits.REQUEST_ENVELOPE_BYTES;
import static io.firehosegateway.sink.BatchLimits.encodedSize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects records into one {@code PutRecordBatch} within Firehose's limits: 500 records and 4 MiB
 * counted on the base64-encoded request. With packing on, consecutive events share a record up to
 * {@code packBytes} and {@link io.firehosegateway.sink.BatchLimits#MAX_EVENTS_PER_RECORD} events,
 * never splitting an event. Not thread-safe: its dispatcher guards it.
 */
final class BatchBuilder {

    private final int packBytes;
    private final List<PendingRecord> records = new ArrayList<>();
    private long encodedBytes = REQUEST_ENVELOPE_BYTES;
    private Pack pack;
    private boolean awaited;

    BatchBuilder(int packBytes) {
        this.packBytes = packBytes;
    }

    boolean isEmpty() {
        return records.isEmpty() && pack == null;
    }

    /** Whether no further event could join: the batch should go now rather than wait for its linger. */
    boolean isFull() {
        boolean packFull = pack == null || pack.count >= MAX_EVENTS_PER_RECORD || pack.bytes >= packBytes;
        return (recordCount() >= MAX_RECORDS && packFull)
                || encodedBytes + packEncoded() + encodedSize(1) > MAX_REQUEST_BYTES;
    }

    /** Whether a client waits for one of its events (one has a deadline): such a batch may not idle. */
    boolean isAwaited() {
        return awaited;
    }

    int recordCount() {
        return records.size() + (pack != null ? 1 : 0);
    }

    /** Adds a whole record (a retried one, or a new unpacked event); false when the batch is full. */
    boolean tryAdd(PendingRecord record) {
        int encoded = encodedSize(record.data.length);
        if (recordCount() >= MAX_RECORDS || encodedBytes + packEncoded() + encoded > MAX_REQUEST_BYTES) {
            return false;
        }
        records.add(record);
        encodedBytes += encoded;
        noteDeadline(record.deadlineNanos);
        return true;
    }

    /** Adds a new event, into the open pack when packing is on; false when the batch is full. */
    boolean tryAdd(byte[] framed, DeliveryTicket ticket, int index, long deadlineNanos) {
        if (packBytes <= 0) {
            return tryAdd(PendingRecord.single(framed, ticket, index, deadlineNanos));
        }
        // A pack shares one deadline: events without one (202 answered) never join events with one.
        if (pack != null
                && pack.fits(framed.length, packBytes)
                && pack.unbounded == (deadlineNanos == Long.MAX_VALUE)) {
            if (encodedBytes + encodedSize(pack.bytes + framed.length) > MAX_REQUEST_BYTES) {
                return false;
            }
            pack.add(framed, ticket, index, deadlineNanos);
            noteDeadline(deadlineNanos);
            return true;
        }
        closePack();
        if (records.size() >= MAX_RECORDS || encodedBytes + encodedSize(framed.length) > MAX_REQUEST_BYTES) {
            return false;
        }
        pack = new Pack();
        pack.add(framed, ticket, index, deadlineNanos);
        noteDeadline(deadlineNanos);
        return true;
    }

    /** The batch's records, the open pack closed into the last of them. */
    List<PendingRecord> build() {
        closePack();
        return records;
    }

    /** Events without a deadline (Long.MAX_VALUE) were answered 202: nobody waits for them. */
    private void noteDeadline(long deadlineNanos) {
        awaited |= deadlineNanos != Long.MAX_VALUE;
    }

    private long packEncoded() {
        return pack != null ? encodedSize(pack.bytes) : 0;
    }

    private void closePack() {
        if (pack != null) {
            PendingRecord record = pack.toRecord();
            records.add(record);
            encodedBytes += encodedSize(record.data.length);
            pack = null;
        }
    }

    /** Events sharing one record; their bytes are joined once, when the pack closes. */
    private static final class Pack {
        private byte[][] events = new byte[8][];
        private DeliveryTicket[] tickets = new DeliveryTicket[8];
        private int[] indexes = new int[8];
        private int count;
        private int bytes;
        private long deadlineNanos = Long.MAX_VALUE;
        private boolean unbounded = true;

        boolean fits(int size, int packBytes) {
            return count < MAX_EVENTS_PER_RECORD && bytes + size <= packBytes;
        }

        void add(byte[] framed, DeliveryTicket ticket, int index, long deadline) {
            if (count == events.length) {
                events = Arrays.copyOf(events, count * 2);
                tickets = Arrays.copyOf(tickets, count * 2);
                indexes = Arrays.copyOf(indexes, count * 2);
            }
            events[count] = framed;
            tickets[count] = ticket;
            indexes[count] = index;
            count++;
            bytes += framed.length;
            deadlineNanos = Math.min(deadlineNanos, deadline);
            unbounded = deadlineNanos == Long.MAX_VALUE;
        }

        PendingRecord toRecord() {
            byte[] data;
            if (count == 1) {
                data = events[0];
            } else {
                data = new byte[bytes];
                int offset = 0;
                for (int i = 0; i < count; i++) {
                    System.arraycopy(events[i], 0, data, offset, events[i].length);
                    offset += events[i].length;
                }
            }
            return new PendingRecord(data, Arrays.copyOf(tickets, count), Arrays.copyOf(indexes, count), deadlineNanos);
        }
    }
}
