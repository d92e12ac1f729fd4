package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.SinkLimits;

/**
 * Kinesis Data Streams' limits of one {@code PutRecords} call, and how it bills records.
 *
 * <p>A record counts as its data plus its partition key, both towards the call's bytes and towards
 * the largest record; keys are kept to {@link KinesisPartitionKeys#MAX_KEY_BYTES}, so that is what
 * each record adds beside its data. Data is counted raw: the base64 of the JSON protocol is not
 * counted by Kinesis.
 */
public final class KinesisLimits {

    /** Records in one {@code PutRecords} call. */
    public static final int MAX_RECORDS_PER_CALL = 500;

    /** A stream's largest record unless it was raised ({@code UpdateMaxRecordSize}), key included. */
    public static final int DEFAULT_MAX_RECORD_KIB = 1024;

    /** The largest a stream's largest record may be raised to, key included. */
    public static final int MOST_MAX_RECORD_KIB = 10 * 1024;

    /** A provisioned stream bills each record in PUT payload units of 25 KiB. */
    public static final int PROVISIONED_BILLING_UNIT_BYTES = 25 * 1024;

    /** An on-demand stream bills each record's data rounded up to 1 KiB. */
    public static final int ON_DEMAND_BILLING_UNIT_BYTES = 1024;

    /**
     * Events in one packed record at most: Kinesis has no de-aggregation limit as Firehose has, so
     * this only bounds a pack's bookkeeping; {@code pack-bytes} bounds it first.
     */
    static final int MAX_EVENTS_PER_RECORD = 10_000;

    /**
     * What an aggregate may add for one user record beside its data, at most: its partition key new
     * to the aggregate's table (tag, two-byte length, the key), and its message (tag and length, the
     * key's index, the data's tag and length), with varints long enough for a raised record limit.
     */
    static final int AGGREGATED_RECORD_OVERHEAD_BYTES =
            (1 + 2 + KinesisPartitionKeys.MAX_KEY_BYTES) + (1 + 4) + (1 + 3) + (1 + 4);

    /** What each aggregate adds beside its user records: the magic bytes, the MD5, its own partition key. */
    static final int AGGREGATE_OVERHEAD_BYTES =
            KinesisAggregate.MAGIC.length + KinesisAggregate.DIGEST_BYTES + KinesisPartitionKeys.MAX_KEY_BYTES;

    /**
     * User records in one call of a {@code kpl} stream at most: the call's bytes bound it first for
     * events of a few hundred bytes; this only bounds a call's bookkeeping for the smallest.
     */
    static final int MAX_AGGREGATED_RECORDS_PER_CALL = 20_000;

    private KinesisLimits() {}

    /**
     * The limits of calls to one {@code pack-format: kpl} stream, counted in user records (single
     * events), which the sink aggregates: as many as the call's bytes hold when each is counted with
     * the most an aggregate adds for it, room kept for the aggregates' own overhead. Billing is
     * per Kinesis record, which the sink counts, so none is counted per user record.
     */
    public static SinkLimits aggregated(long maxBytesPerCall, int maxRecordKiB) {
        SinkLimits plain = of(maxBytesPerCall, maxRecordKiB, false);
        return new SinkLimits(
                MAX_AGGREGATED_RECORDS_PER_CALL,
                maxBytesPerCall,
                SinkLimits.Encoding.RAW,
                AGGREGATED_RECORD_OVERHEAD_BYTES,
                MAX_RECORDS_PER_CALL * AGGREGATE_OVERHEAD_BYTES,
                plain.maxRecordBytes(),
                1,
                0);
    }

    /**
     * The limits of calls to one stream.
     *
     * @param maxBytesPerCall the call's bytes as Kinesis counts them ({@code gateway.kinesis.max-bytes-per-call})
     * @param maxRecordKiB the stream's largest record, key included, as {@code DescribeStreamSummary} gave it
     * @param onDemand whether the stream is billed on demand rather than provisioned
     */
    public static SinkLimits of(long maxBytesPerCall, int maxRecordKiB, boolean onDemand) {
        int maxRecordKiBInRange = Math.max(DEFAULT_MAX_RECORD_KIB, Math.min(MOST_MAX_RECORD_KIB, maxRecordKiB));
        if (maxBytesPerCall <= KinesisPartitionKeys.MAX_KEY_BYTES) {
            throw new IllegalArgumentException("gateway.kinesis.max-bytes-per-call is " + maxBytesPerCall
                    + " bytes: too small for a record and its partition key");
        }
        // A record must also fit a call: a stream raised past what calls may carry takes the calls' limit.
        long recordWithKey = Math.min((long) maxRecordKiBInRange * 1024, maxBytesPerCall);
        int maxRecordBytes = (int) recordWithKey - KinesisPartitionKeys.MAX_KEY_BYTES;
        return new SinkLimits(
                MAX_RECORDS_PER_CALL,
                maxBytesPerCall,
                SinkLimits.Encoding.RAW,
                KinesisPartitionKeys.MAX_KEY_BYTES,
                0,
                maxRecordBytes,
                MAX_EVENTS_PER_RECORD,
                onDemand ? ON_DEMAND_BILLING_UNIT_BYTES : PROVISIONED_BILLING_UNIT_BYTES);
    }
}
