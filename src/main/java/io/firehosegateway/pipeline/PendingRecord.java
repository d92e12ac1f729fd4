package io.firehosegateway.pipeline;

/**
 * One Firehose record on its way: its bytes (one framed event, or several packed) and, for each
 * event in it, the ticket and index to report to. It is the unit of sending and of retrying.
 */
final class PendingRecord {

    final byte[] data;
    final DeliveryTicket[] tickets;
    final int[] indexes;
    /** The {@link NanoClock} time after which the record is given up on; {@link Deadlines#NO_CLIENT_WAITS} for never. */
    final long deadlineNanos;

    int attempts;
    boolean mayHaveLanded;

    PendingRecord(byte[] data, DeliveryTicket[] tickets, int[] indexes, long deadlineNanos) {
        this.data = data;
        this.tickets = tickets;
        this.indexes = indexes;
        this.deadlineNanos = deadlineNanos;
    }

    static PendingRecord single(byte[] framed, DeliveryTicket ticket, int index, long deadlineNanos) {
        return new PendingRecord(framed, new DeliveryTicket[] {ticket}, new int[] {index}, deadlineNanos);
    }

    int eventCount() {
        return indexes.length;
    }
}
