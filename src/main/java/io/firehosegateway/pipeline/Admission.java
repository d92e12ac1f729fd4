package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The buffer room one request holds while it is read: each event reserves its bytes as it is
 * parsed, so many concurrent bodies cannot outgrow the bound. Closing an admission that was not
 * submitted gives the room back, so a refused request leaves nothing behind.
 */
public final class Admission implements AutoCloseable {

    private static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

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
            throw new GatewayFullException(GatewayFullException.Full.BUFFER, retryAfter);
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

    /**
     * Reserves room for background work, waiting as long as it takes for delivery to free it (polling
     * with a backoff from 1 to 50 ms) while {@code keepWaiting} holds.
     *
     * @return whether the room was reserved; false when {@code keepWaiting} said stop
     */
    public boolean reserveWhenFree(int count, long size, BooleanSupplier keepWaiting) throws InterruptedException {
        long wait = MIN_WAIT_NANOS;
        while (!tryReserve(count, size)) {
            if (!keepWaiting.getAsBoolean()) {
                return false;
            }
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            wait = Math.min(wait * 2, MAX_WAIT_NANOS);
        }
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
