package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import io.firehosegateway.sink.SinkRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * One record on its way: its bytes (one framed event, or several packed), its partition key and,
 * for each event in it, the id, and the ticket and index to report to. It is the unit of sending
 * and of retrying.
 */
final class PendingRecord {

    final byte[] data;
    /** The partition key of its (first) event. */
    final String key;

    final String[] ids;
    final DeliveryTicket[] tickets;
    final int[] indexes;
    /**
     * The {@link NanoClock} time after which the record is given up on, its events' earliest;
     * {@link Deadlines#NO_CLIENT_WAITS} for never.
     */
    final long deadlineNanos;
    /** Each event's own deadline, when they may differ (a pack of several requests); null when all have the record's. */
    private final long[] eventDeadlines;

    int attempts;
    boolean mayHaveLanded;

    /** A record whose events all have one deadline. */
    PendingRecord(byte[] data, String key, String[] ids, DeliveryTicket[] tickets, int[] indexes, long deadlineNanos) {
        this(data, key, ids, tickets, indexes, deadlineNanos, null);
    }

    /** A record whose events each have their own deadline. */
    PendingRecord(byte[] data, String key, String[] ids, DeliveryTicket[] tickets, int[] indexes, long[] deadlines) {
        this(data, key, ids, tickets, indexes, earliest(deadlines), deadlines);
    }

    private PendingRecord(
            byte[] data,
            String key,
            String[] ids,
            DeliveryTicket[] tickets,
            int[] indexes,
            long deadlineNanos,
            long[] eventDeadlines) {
        this.data = data;
        this.key = key;
        this.ids = ids;
        this.tickets = tickets;
        this.indexes = indexes;
        this.deadlineNanos = deadlineNanos;
        this.eventDeadlines = eventDeadlines;
    }

    private static long earliest(long[] deadlines) {
        long earliest = Deadlines.NO_CLIENT_WAITS;
        for (long deadline : deadlines) {
            earliest = Math.min(earliest, deadline);
        }
        return earliest;
    }

    static PendingRecord single(
            byte[] framed, String key, String id, DeliveryTicket ticket, int index, long deadlineNanos) {
        return new PendingRecord(
                framed, key, new String[] {id}, new DeliveryTicket[] {ticket}, new int[] {index}, deadlineNanos);
    }

    /**
     * Events as records of one event each, for a {@code per-key} stream's lanes.
     *
     * @param keys how their stream finds each event's partition key
     * @param ticket what they report to; {@code null} when the records are only measured
     */
    static List<PendingRecord> singles(
            List<Event> events, PartitionKeys keys, DeliveryTicket ticket, long deadlineNanos) {
        List<PendingRecord> records = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            records.add(single(event.framed(), keys.keyOf(event), event.id(), ticket, i, deadlineNanos));
        }
        return records;
    }

    /**
     * The first {@code count} of {@code singles} (records of one event each, of one key) joined
     * into one record of {@code bytes} bytes, each event keeping its own deadline.
     */
    static PendingRecord packed(PendingRecord[] singles, int count, int bytes) {
        byte[] data = new byte[bytes];
        String[] ids = new String[count];
        DeliveryTicket[] tickets = new DeliveryTicket[count];
        int[] indexes = new int[count];
        long[] deadlines = new long[count];
        int offset = 0;
        for (int i = 0; i < count; i++) {
            PendingRecord single = singles[i];
            System.arraycopy(single.data, 0, data, offset, single.data.length);
            offset += single.data.length;
            ids[i] = single.ids[0];
            tickets[i] = single.tickets[0];
            indexes[i] = single.indexes[0];
            deadlines[i] = single.deadlineNanos;
        }
        return new PendingRecord(data, singles[0].key, ids, tickets, indexes, deadlines);
    }

    /** The deadline of its {@code event}-th event. */
    long deadlineOf(int event) {
        return eventDeadlines == null ? deadlineNanos : eventDeadlines[event];
    }

    /** What the sink is handed. */
    SinkRecord toSinkRecord() {
        return new SinkRecord(data, key, ids[0]);
    }

    int eventCount() {
        return indexes.length;
    }
}
