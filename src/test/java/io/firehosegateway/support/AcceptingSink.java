package io.firehosegateway.support;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.firehose.FirehoseLimits;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A sink that accepts every record at once and keeps nothing, with Firehose's limits unless told. */
public final class AcceptingSink implements Sink {

    private final SinkLimits limits;

    public AcceptingSink() {
        this(FirehoseLimits.LIMITS);
    }

    public AcceptingSink(SinkLimits limits) {
        this.limits = limits;
    }

    @Override
    public SinkKind kind() {
        return SinkKind.FIREHOSE;
    }

    @Override
    public SinkLimits limits() {
        return limits;
    }

    @Override
    public CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> sinkRecords) {
        String stream = route.destination();
        List<byte[]> records = sinkRecords.stream().map(SinkRecord::data).toList();
        return CompletableFuture.completedFuture(BatchResult.allAccepted(records.size()));
    }
}
