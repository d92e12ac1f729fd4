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
 *
 * <p>A client request's admission also bounds what the request, and the bodies being read for its
 * API key together, may hold: one key's stalled uploads cannot fill the buffer for everyone.
 */
public final class Admission implements AutoCloseable {

    private static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final BufferBudget budget;
    private final double ceiling;
    private final Duration retryAfter;
    private final Limits limits;
    private int records;
    private long bytes;
    private boolean submitted;
    private boolean keyShareReleased;

    Admission(BufferBudget budget, double ceiling, Duration retryAfter) {
        this(budget, ceiling, retryAfter, Limits.NONE);
    }

    Admission(BufferBudget budget, double ceiling, Duration retryAfter, Limits limits) {
        this.budget = budget;
        this.ceiling = ceiling;
        this.retryAfter = retryAfter;
        this.limits = limits;
    }

    /**
     * What one client request may hold: at most {@code maxRecords} events of {@code maxBytes} bytes,
     * and, when {@code key} names an API key, together with the key's other bodies being read at
     * most {@code keyShare} of the buffer.
     */
    record Limits(long maxRecords, long maxBytes, String key, double keyShare) {
        static final Limits NONE = new Limits(Long.MAX_VALUE, Long.MAX_VALUE, null, 1.0);
    }

    /**
     * Checks that it holds room for exactly {@code events} events.
     *
     * @param of what holds them, for the message
     */
    void checkHolds(int events, String of) {
        if (records != events) {
            throw new IllegalArgumentException("admission holds " + records + " events, " + of + " has " + events);
        }
    }

    /** Whether it admits a client's request, whose refusal counts its events as rejected. */
    boolean ofClientRequest() {
        return limits != Limits.NONE;
    }

    /**
     * Reserves room for one more event.
     *
     * @throws GatewayFullException when the buffer has no room for it
     */
    public void reserve(Event event) {
        reserve(1, event.size());
    }

    /**
     * Reserves room for {@code size} more bytes of events already reserved, such as what the
     * gateway adds to them after they were read, under the same limits as {@link #reserve(Event)}.
     *
     * @throws GatewayFullException when the buffer has no room for them
     */
    public void reserveMore(long size) {
        reserve(0, size);
    }

    private void reserve(int count, long size) {
        if (records + (long) count > limits.maxRecords() || bytes + size > limits.maxBytes()) {
            throw new TooManyEventsException(limits.maxRecords(), limits.maxBytes());
        }
        if (limits.key() != null && !budget.tryHoldForKey(limits.key(), count, size, limits.keyShare())) {
            throw new ShareExceededException(
                    BufferBudget.limitOf(budget.maxRecords(), limits.keyShare()),
                    BufferBudget.limitOf(budget.maxBytes(), limits.keyShare()),
                    retryAfter);
        }
        if (!tryReserve(count, size)) {
            if (limits.key() != null) {
                budget.releaseForKey(limits.key(), count, size);
            }
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

    /**
     * The request's events were replaced by events of another size (invalid events by the wrappers
     * they are routed in): holds {@code size} bytes in all instead. The body is read, so it no
     * longer counts against its key's share.
     *
     * @throws GatewayFullException when the buffer has no room for the difference
     */
    void resize(long size) {
        releaseKeyShare();
        long difference = size - bytes;
        if (difference > 0 && !budget.tryAcquire(0, difference, ceiling)) {
            throw new GatewayFullException(GatewayFullException.Full.BUFFER, retryAfter);
        }
        if (difference < 0) {
            budget.release(0, -difference);
        }
        bytes = size;
    }

    /**
     * Gives back the room of {@code count} events of {@code size} bytes in all that the request will
     * not hand on after all (duplicates its stream took already). The body is read, so it no longer
     * counts against its key's share.
     */
    public void giveBack(int count, long size) {
        releaseKeyShare();
        budget.release(count, size);
        records -= count;
        bytes -= size;
    }

    /**
     * The submitted records now own the room; closing no longer gives it back. The body is read, so
     * it no longer counts against its key's share.
     */
    void markSubmitted() {
        submitted = true;
        releaseKeyShare();
    }

    @Override
    public void close() {
        releaseKeyShare();
        if (!submitted) {
            budget.release(records, bytes);
            records = 0;
            bytes = 0;
        }
    }

    private void releaseKeyShare() {
        if (limits.key() != null && !keyShareReleased) {
            keyShareReleased = true;
            budget.releaseForKey(limits.key(), records, bytes);
        }
    }
}
