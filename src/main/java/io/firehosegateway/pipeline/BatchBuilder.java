package io.firehosegateway.pipeline;

import io.firehosegateway.sink.SinkLimits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects records into one call within the sink's limits: records per call, and bytes per call
 * counted as the sink's service counts them (for Firehose, 500 records and 4 MiB counted on the
 * base64-encoded request). With packing on, consecutive events share a record up to
 * {@code packBytes} and {@link SinkLimits#maxEventsPerRecord()} events, never splitting an event.
 * Not thread-safe: its dispatcher guards it.
 */
final class BatchBuilder {

    private final SinkLimits limits;
    private final int packBytes;
    private final int maxRecords;
    private final long maxBytes;
    private final List<PendingRecord> records = new ArrayList<>();
    private long encodedBytes;
    private Pack pack;
    private boolean awaited;

    BatchBuilder(SinkLimits limits, int packBytes) {
        this.limits = limits;
        this.packBytes = packBytes;
        this.maxRecords = limits.maxRecordsPerCall();
        this.maxBytes = limits.maxBytesPerCall();
        this.encodedBytes = limits.callOverheadBytes();
    }

    private int encodedSize(int rawBytes) {
        return limits.encodedSize(rawBytes);
    }

    boolean isEmpty() {
        return records.isEmpty() && pack == null;
    }

    /** Whether no further event could join: the batch should go now rather than wait for its linger. */
    boolean isFull() {
        boolean packFull = pack == null || pack.count >= limits.maxEventsPerRecord() || pack.bytes >= packBytes;
        return (recordCount() >= maxRecords && packFull) || encodedBytes + packEncoded() + encodedSize(1) > maxBytes;
    }

    /**
     * Whether the batch holds at least half of what a call carries, in records or in bytes: filled
     * that far within its linger, it would at the same pace be full within a second one.
     */
    boolean isHalfFull() {
        return recordCount() * 2L >= maxRecords || (encodedBytes + packEncoded()) * 2 >= maxBytes;
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
        if (recordCount() >= maxRecords || encodedBytes + packEncoded() + encoded > maxBytes) {
            return false;
        }
        records.add(record);
        encodedBytes += encoded;
        noteDeadline(record.deadlineNanos);
        return true;
    }

    /** Adds a new event, into the open pack when packing is on; false when the batch is full. */
    boolean tryAdd(byte[] framed, String key, String id, DeliveryTicket ticket, int index, long deadlineNanos) {
        if (packBytes <= 0) {
            return tryAdd(PendingRecord.single(framed, key, id, ticket, index, deadlineNanos));
        }
        // A pack shares one deadline: events without one (202 answered) never join events with one.
        if (pack != null
                && pack.fits(framed.length, packBytes, limits.maxEventsPerRecord())
                && pack.unbounded == !Deadlines.clientWaits(deadlineNanos)) {
            if (encodedBytes + encodedSize(pack.bytes + framed.length) > maxBytes) {
                return false;
            }
            pack.add(framed, id, ticket, index, deadlineNanos);
            noteDeadline(deadlineNanos);
            return true;
        }
        closePack();
        if (records.size() >= maxRecords || encodedBytes + encodedSize(framed.length) > maxBytes) {
            return false;
        }
        pack = new Pack(key);
        pack.add(framed, id, ticket, index, deadlineNanos);
        noteDeadline(deadlineNanos);
        return true;
    }

    /** The batch's records, the open pack closed into the last of them. */
    List<PendingRecord> build() {
        closePack();
        return records;
    }

    /** Events without a deadline were answered 202: nobody waits for them. */
    private void noteDeadline(long deadlineNanos) {
        awaited |= Deadlines.clientWaits(deadlineNanos);
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
        private final String key;
        private byte[][] events = new byte[8][];
        private String[] ids = new String[8];
        private DeliveryTicket[] tickets = new DeliveryTicket[8];
        private int[] indexes = new int[8];
        private long[] deadlines = new long[8];
        private int count;
        private int bytes;
        private long deadlineNanos = Deadlines.NO_CLIENT_WAITS;
        private boolean unbounded = true;

        Pack(String key) {
            this.key = key;
        }

        boolean fits(int size, int packBytes, int maxEvents) {
            return count < maxEvents && bytes + size <= packBytes;
        }

        void add(byte[] framed, String id, DeliveryTicket ticket, int index, long deadline) {
            if (count == events.length) {
                events = Arrays.copyOf(events, count * 2);
                ids = Arrays.copyOf(ids, count * 2);
                tickets = Arrays.copyOf(tickets, count * 2);
                indexes = Arrays.copyOf(indexes, count * 2);
                deadlines = Arrays.copyOf(deadlines, count * 2);
            }
            events[count] = framed;
            ids[count] = id;
            tickets[count] = ticket;
            indexes[count] = index;
            deadlines[count] = deadline;
            count++;
            bytes += framed.length;
            deadlineNanos = Math.min(deadlineNanos, deadline);
            unbounded = !Deadlines.clientWaits(deadlineNanos);
        }

        PendingRecord toRecord() {
            if (count == 1) {
                return PendingRecord.single(events[0], key, ids[0], tickets[0], indexes[0], deadlineNanos);
            }
            byte[] data = new byte[bytes];
            int offset = 0;
            for (int i = 0; i < count; i++) {
                System.arraycopy(events[i], 0, data, offset, events[i].length);
                offset += events[i].length;
            }
            // Several requests' events may share a pack: each keeps its own deadline.
            return new PendingRecord(
                    data,
                    key,
                    Arrays.copyOf(ids, count),
                    Arrays.copyOf(tickets, count),
                    Arrays.copyOf(indexes, count),
                    Arrays.copyOf(deadlines, count));
        }
    }
}
