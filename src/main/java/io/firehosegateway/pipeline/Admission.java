package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import java.time.Duration;

/**
 * The buffer room one request holds while it is read: each event reserves its bytes as it is
 * parsed, so many concurrent bodies cannot outgrow the bound. Closing an admission that was not
 * submitted gives the room back, so a refused request leaves nothing behind.
 */
public final class Admission implements AutoCloseable {

    private final BufferBudget budget;
    private final double ceiling;
    private final Duration retryAfter;
    private int records;
    private long bytes;
    private boolean submitted;

    Admission(BufferBudget budget, double ceiling, Duration retryAfter) {
        this.budget = budget;
        this.ceiling = ceiling;
        this.retryAfter = retryAfter;
    }

    /**
     * Reserves room for one more event.
     *
     * @throws GatewayFullException when the buffer has no room for it
     */
    public void reserve(Event event) {
        if (!tryReserve(1, event.size())) {
            throw new GatewayFullException(retryAfter);
        }
    }

    /** Reserves room for {@code count} events of {@code size} bytes in all, or returns false. */
    public boolean tryReserve(int count, long size) {
        if (!budget.tryAcquire(count, size, ceiling)) {
            return false;
        }
        records += count;
        bytes += size;
        return true;
    }

    /** Events reserved so far. */
    public int records() {
        return records;
    }

    long bytes() {
        return bytes;
    }

    /** The submitted records now own the room; closing no longer gives it back. */
    void markSubmitted() {
        submitted = true;
    }

    @Override
    public void close() {
        if (!submitted) {
            budget.release(records, bytes);
            records = 0;
            bytes = 0;
        }
    }
}
