package io.firehosegateway.pipeline;

import io.firehosegateway.sink.SinkLimits;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import java.time.Duration;

/**
 * One replica's share of a stream's throughput quota, as token buckets of records, calls and bytes
 * per second. A batch goes only when every bucket can pay for it; otherwise it waits, so the gateway
 * stays under the quota instead of learning it from throttled calls. A bucket holds at least one
 * full call's worth, or a batch at the limits could never go.
 */
final class StreamQuota {

    private final Bucket records;
    private final Bucket requests;
    private final Bucket bytes;

    private StreamQuota(Bucket records, Bucket requests, Bucket bytes) {
        this.records = records;
        this.requests = requests;
        this.bytes = bytes;
    }

    /** This replica's share of {@code quota} for calls within {@code limits}, or {@code null} when the stream has none. */
    static StreamQuota of(PipelineProperties.Quota quota, int replicas, SinkLimits limits) {
        if (quota == null || !quota.isSet()) {
            return null;
        }
        return new StreamQuota(
                bucket(quota.recordsPerSecond(), replicas, limits.maxRecordsPerCall()),
                bucket(quota.requestsPerSecond(), replicas, 1),
                bucket(quota.bytesPerSecond().toBytes(), replicas, limits.maxBytesPerCall()));
    }

    private static Bucket bucket(long perSecond, int replicas, long oneCall) {
        if (perSecond <= 0) {
            return null;
        }
        long share = Math.max(1, perSecond / replicas);
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(Math.max(share, oneCall)).refillGreedy(share, Duration.ofSeconds(1)))
                .build();
    }

    /** Nanoseconds until a call of {@code count} records and {@code size} bytes may go; 0 for now. */
    long nanosUntilAllowed(int count, long size) {
        return Math.max(wait(records, count), Math.max(wait(requests, 1), wait(bytes, size)));
    }

    /** Takes what a call that goes now costs; the caller checked it may go. */
    void consume(int count, long size) {
        take(records, count);
        take(requests, 1);
        take(bytes, size);
    }

    private static long wait(Bucket bucket, long tokens) {
        if (bucket == null) {
            return 0;
        }
        EstimationProbe probe = bucket.estimateAbilityToConsume(tokens);
        return probe.canBeConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }

    private static void take(Bucket bucket, long tokens) {
        if (bucket != null) {
            bucket.tryConsume(tokens);
        }
    }
}
