package io.firehosegateway.sink;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A destination that takes batches of records, the shape of Firehose's {@code PutRecordBatch}. Each
 * kind of sink declares its limits and classifies its answers; the pipeline batches, paces, retries
 * and acknowledges for every kind.
 */
public interface Sink {

    /** What kind of sink this is: the {@code sink} tag of its streams' meters. */
    SinkKind kind();

    /** The limits of one call, as this sink's service counts them. */
    SinkLimits limits();

    /**
     * The limits of calls to one route's destination: {@link #limits()} unless the destination
     * declares its own (a Kinesis stream whose largest record was raised).
     */
    default SinkLimits limits(StreamRoutes.Route route) {
        return limits();
    }

    /**
     * Whether a record throttled in an answered call means the whole destination is over its quota
     * (Firehose: the delivery stream's), so the stream sends less at once; otherwise only that
     * record's partition is (a Kinesis shard), so only the record, or on a {@code per-key} stream its
     * key, backs off, and one hot key does not slow the stream's other keys. A throttled whole call
     * always lowers the stream's calls in flight.
     */
    default boolean recordThrottlingIsDestinationWide() {
        return false;
    }

    /**
     * Whether a route's destination keeps order per key by nature, so that a stream sent to it that
     * sets no {@code ordering} orders per key (an SQS FIFO queue); false by default.
     */
    default boolean ordersPerKeyByDefault(StreamRoutes.Route route) {
        return false;
    }

    /**
     * The units the service bills for one answered call of {@code records}, for a service that bills
     * per call rather than per record (SQS: one request per 64 KiB chunk of the call's payload). A
     * sink that bills per record says so with {@link SinkLimits#billingUnitBytes()} and returns 0 here,
     * as by default; the pipeline counts both.
     */
    default long billedUnitsOfCall(StreamRoutes.Route route, List<SinkRecord> records) {
        return 0;
    }

    /**
     * The bytes of a record as its service receives them: what {@link SinkLimits#maxRecordBytes()}
     * bounds and the {@code gateway.records.bytes} meter counts. Its data as it is, unless the sink
     * writes it otherwise (SQS drops the newline and escapes the characters it refuses).
     */
    default int bytesAsSent(byte[] data) {
        return data.length;
    }

    /**
     * Sends one batch of records to a stream, once, without retrying.
     *
     * <p>The future completes with one outcome per record, in request order, when the destination
     * has answered; or exceptionally with a {@link SinkException} when the whole call failed.
     *
     * @param route the gateway stream and the destination it is sent to
     * @param records the records, within {@link #limits(StreamRoutes.Route)}
     */
    CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> records);
}
