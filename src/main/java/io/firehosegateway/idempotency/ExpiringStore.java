package io.firehosegateway.idempotency;

import java.time.Instant;

/** A store whose entries expire, dropped in small batches by an {@link ExpiredKeysSweeper}. */
interface ExpiringStore extends AutoCloseable {

    /** Drops at most {@code max} entries that expired before {@code now}; how many it dropped. */
    int dropExpired(Instant now, int max);

    @Override
    void close();
}
