package io.firehosegateway.pipeline;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The one bound on what the gateway holds in memory, in events and in bytes. Requests reserve room
 * as they parse; records give it back when they are delivered or given up on.
 */
public final class BufferBudget {

    private final long maxRecords;
    private final long maxBytes;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

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
}
