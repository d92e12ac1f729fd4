package io.firehosegateway.pipeline;

import io.firehosegateway.sink.SinkRecord;

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
    /** The {@link NanoClock} time after which the record is given up on; {@link Deadlines#NO_CLIENT_WAITS} for never. */
    final long deadlineNanos;

    int attempts;
    boolean mayHaveLanded;

    PendingRecord(byte[] data, String key, String[] ids, DeliveryTicket[] tickets, int[] indexes, long deadlineNanos) {
        this.data = data;
        this.key = key;
        this.ids = ids;
        this.tickets = tickets;
        this.indexes = indexes;
        this.deadlineNanos = deadlineNanos;
    }

    static PendingRecord single(
            byte[] framed, String key, String id, DeliveryTicket ticket, int index, long deadlineNanos) {
        return new PendingRecord(
                framed, key, new String[] {id}, new DeliveryTicket[] {ticket}, new int[] {index}, deadlineNanos);
    }

    /** What the sink is handed. */
    SinkRecord toSinkRecord() {
        return new SinkRecord(data, key, ids[0]);
    }

    int eventCount() {
        return indexes.length;
    }
}
