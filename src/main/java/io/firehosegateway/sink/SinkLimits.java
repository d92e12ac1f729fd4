package io.firehosegateway.sink;

/**
 * The limits of one call to a kind of sink, as its service counts them, and how the service bills
 * records. The pipeline batches within them and the API refuses an event larger than
 * {@link #maxRecordBytes()} with a 413; no setting can go past them.
 *
 * @param maxRecordsPerCall records in one call
 * @param maxBytesPerCall bytes of one whole call, counted as {@link #encodedSize(int)} counts each
 *     record, plus {@link #callOverheadBytes()}
 * @param encoding how the service counts a record's bytes towards {@link #maxBytesPerCall()}
 * @param recordOverheadBytes what the call's envelope adds per record (JSON around it, a partition key)
 * @param callOverheadBytes room kept in every call for the rest of its envelope
 * @param maxRecordBytes bytes of one record as sent, before any encoding
 * @param maxEventsPerRecord events that may be packed into one record at most
 * @param billingUnitBytes the service bills each record rounded up to this many bytes; 0 when it
 *     does not bill per record
 */
public record SinkLimits(
        int maxRecordsPerCall,
        long maxBytesPerCall,
        Encoding encoding,
        int recordOverheadBytes,
        int callOverheadBytes,
        int maxRecordBytes,
        int maxEventsPerRecord,
        int billingUnitBytes) {

    /** How a service counts a record's bytes in a call. */
    public enum Encoding {
        /** As they are. */
        RAW,
        /** Base64-encoded, as JSON protocols send binary data: a third larger. */
        BASE64
    }

    public SinkLimits {
        if (maxRecordsPerCall < 1 || maxRecordBytes < 1 || maxEventsPerRecord < 1) {
            throw new IllegalArgumentException("a sink takes at least one record of one event of one byte");
        }
        if (callOverheadBytes + encodedSize(maxRecordBytes, encoding, recordOverheadBytes) > maxBytesPerCall) {
            throw new IllegalArgumentException("a call must hold at least one record of the largest size");
        }
    }

    /** What a record of {@code rawBytes} adds to a call, as the service counts it. */
    public int encodedSize(int rawBytes) {
        return encodedSize(rawBytes, encoding, recordOverheadBytes);
    }

    private static int encodedSize(int rawBytes, Encoding encoding, int overhead) {
        int data = encoding == Encoding.BASE64 ? 4 * ((rawBytes + 2) / 3) : rawBytes;
        return data + overhead;
    }

    /** The units the service bills for a record of {@code rawBytes}; 0 when it does not bill per record. */
    public long billedUnits(int rawBytes) {
        if (billingUnitBytes <= 0) {
            return 0;
        }
        return Math.max(1, (rawBytes + (long) billingUnitBytes - 1) / billingUnitBytes);
    }
}
