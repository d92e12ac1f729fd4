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
     * Sends one batch of records to a stream, once, without retrying.
     *
     * <p>The future completes with one outcome per record, in request order, when the destination
     * has answered; or exceptionally with a {@link SinkException} when the whole call failed.
     *
     * @param stream the stream's name at the destination
     * @param records the records' bytes, within {@link #limits()}
     */
    CompletableFuture<BatchResult> putRecords(String stream, List<byte[]> records);
}
