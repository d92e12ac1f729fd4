package io.firehosegateway.pipeline;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one bound on what the gateway holds in memory, in events and in bytes. Requests reserve room
 * as they parse; records give it back when they are delivered or given up on.
 *
 * <p>Beside the bound, it keeps what the bodies being read for each API key hold, so that one key
 * cannot hold more than its share while its uploads are still arriving.
 */
public final class BufferBudget {

    private final long maxRecords;
    private final long maxBytes;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final ConcurrentHashMap<String, Held> heldByKey = new ConcurrentHashMap<>();

    public BufferBudget(long maxRecords, long maxBytes) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    /**
     * Reserves room for {@code count} events of {@code size} bytes in all, if that keeps the buffer
     * within {@code ceiling} (a fraction of the bound: background work leaves room for clients).
     */
    boolean tryAcquire(int count, long size, double ceiling) {
        long recordLimit = (long) (maxRecords * ceiling);
        long byteLimit = (long) (maxBytes * ceiling);
        if (!tryAdd(records, count, recordLimit)) {
            return false;
        }
        if (!tryAdd(bytes, size, byteLimit)) {
            records.addAndGet(-count);
            return false;
        }
        return true;
    }

    /**
     * Counts {@code count} events of {@code size} bytes against what the bodies of {@code key} may
     * hold together ({@code share} of the bound), if they stay within it.
     */
    boolean tryHoldForKey(String key, int count, long size, double share) {
        Held held = heldByKey.computeIfAbsent(key, name -> new Held());
        if (!tryAdd(held.records, count, limitOf(maxRecords, share))) {
            return false;
        }
        if (!tryAdd(held.bytes, size, limitOf(maxBytes, share))) {
            held.records.addAndGet(-count);
            return false;
        }
        return true;
    }

    /** Gives back what {@link #tryHoldForKey} counted for a key. */
    void releaseForKey(String key, int count, long size) {
        Held held = heldByKey.get(key);
        if (held != null) {
            held.records.addAndGet(-count);
            held.bytes.addAndGet(-size);
        }
    }

    /** What the bodies being read for {@code key} hold now, in events. */
    long heldForKey(String key) {
        Held held = heldByKey.get(key);
        return held == null ? 0 : held.records.get();
    }

    private static boolean tryAdd(AtomicLong counter, long delta, long limit) {
        while (true) {
            long current = counter.get();
            long next = current + delta;
            if (next > limit && delta > 0) {
                return false;
            }
            if (counter.compareAndSet(current, next)) {
                return true;
            }
        }
    }

    /** Whether {@code count} events of {@code size} bytes fit in an empty buffer within {@code ceiling}. */
    boolean fits(int count, long size, double ceiling) {
        return count <= (long) (maxRecords * ceiling) && size <= (long) (maxBytes * ceiling);
    }

    /** {@code share} of {@code bound}, and at least one, so that a tiny buffer still takes an event. */
    static long limitOf(long bound, double share) {
        return Math.max(1, (long) (bound * share));
    }

    long maxRecords() {
        return maxRecords;
    }

    long maxBytes() {
        return maxBytes;
    }

    void release(int count, long size) {
        records.addAndGet(-count);
        bytes.addAndGet(-size);
    }

    /** Events held now. */
    public long records() {
        return records.get();
    }

    /** Bytes held now. */
    public long bytes() {
        return bytes.get();
    }

    /** How full the buffer is, from 0 to 1, by whichever bound is closer. */
    public double fullness() {
        return Math.max((double) records.get() / maxRecords, (double) bytes.get() / maxBytes);
    }

    /** Events and bytes of the bodies being read for one key; a key's entry stays, a few bytes each. */
    private static final class Held {
        final AtomicLong records = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
    }
}
