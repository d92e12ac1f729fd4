package io.firehosegateway.sink;

/** Firehose's fixed limits of one {@code PutRecordBatch} call; no setting can go past them. */
public final class BatchLimits {

    /** Records in one call. */
    public static final int MAX_RECORDS = 500;

    /** Bytes of one record before base64 encoding: 1,000 KiB. */
    public static final int MAX_RECORD_BYTES = 1000 * 1024;

    /**
     * Bytes of one whole request (4 MiB), counted conservatively: on the base64-encoded records plus
     * {@link #ENCODED_RECORD_OVERHEAD} each, with {@link #REQUEST_ENVELOPE_BYTES} kept for the rest.
     */
    public static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;

    /** JSON around one record in the request body: {@code {"Data":""},}. */
    public static final int ENCODED_RECORD_OVERHEAD = 12;

    /** Room kept in every request for the envelope: the stream name and the JSON around the records. */
    public static final int REQUEST_ENVELOPE_BYTES = 1024;

    /** Events packed into one record at most: the limit of Firehose's multi-record de-aggregation. */
    public static final int MAX_EVENTS_PER_RECORD = 500;

    /** Firehose bills every record rounded up to this size. */
    public static final int BILLING_UNIT_BYTES = 5 * 1024;

    private BatchLimits() {}

    /** What a record of {@code rawBytes} adds to a request: its base64 size plus its JSON. */
    public static int encodedSize(int rawBytes) {
        return 4 * ((rawBytes + 2) / 3) + ENCODED_RECORD_OVERHEAD;
    }

    /** What Firehose bills for a record of {@code rawBytes}: rounded up to the next 5 KiB. */
    public static long billedBytes(int rawBytes) {
        return (long) Math.max(1, (rawBytes + BILLING_UNIT_BYTES - 1) / BILLING_UNIT_BYTES) * BILLING_UNIT_BYTES;
    }
}
