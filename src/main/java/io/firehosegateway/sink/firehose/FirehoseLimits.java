package io.firehosegateway.sink.firehose;

import io.firehosegateway.sink.SinkLimits;

/** Amazon Data Firehose's fixed limits of one {@code PutRecordBatch} call; none can be raised. */
public final class FirehoseLimits {

    /**
     * 500 records; 4 MiB a request, counted conservatively on the base64-encoded records plus the
     * JSON around each ({@code {"Data":""},}, 12 bytes) and 1 KiB kept for the stream name and the
     * rest of the envelope; 1,000 KiB a record before base64; 500 events a record (the limit of
     * Firehose's multi-record de-aggregation); billed per record rounded up to 5 KiB.
     */
    public static final SinkLimits LIMITS =
            new SinkLimits(500, 4 * 1024 * 1024, SinkLimits.Encoding.BASE64, 12, 1024, 1000 * 1024, 500, 5 * 1024);

    private FirehoseLimits() {}
}
