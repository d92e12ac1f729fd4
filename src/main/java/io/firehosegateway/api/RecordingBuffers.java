package io.firehosegateway.api;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The recording buffers of finished requests, kept for the next ones: without them every JSON body
 * grows a buffer of its own to the parser's read size, about a tenth of what parsing a request
 * allocates. Requests run on virtual threads, so a {@code ThreadLocal} would be one buffer per
 * request; a few shared slots, taken and given back without a lock, serve every thread.
 */
final class RecordingBuffers {

    /** Larger buffers are left to the collector: one large body should not stay held for good. */
    static final int MAX_KEPT_BYTES = 64 * 1024;

    private static final byte[] NONE = new byte[0];

    private final AtomicReferenceArray<byte[]> slots;
    private final int mask;

    /** @param slots buffers kept at most, rounded up to a power of two */
    RecordingBuffers(int slots) {
        int size = Integer.highestOneBit(Math.max(1, slots - 1)) << 1;
        this.slots = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
    }

    /** Four slots per core: more requests than that rarely parse at once. */
    static final RecordingBuffers SHARED =
            new RecordingBuffers(4 * Runtime.getRuntime().availableProcessors());

    /** A kept buffer, or an empty one when none is free. */
    byte[] take() {
        int start = start();
        for (int i = 0; i <= mask; i++) {
            int slot = (start + i) & mask;
            byte[] kept = slots.get(slot);
            if (kept != null && slots.compareAndSet(slot, kept, null)) {
                return kept;
            }
        }
        return NONE;
    }

    /** Keeps the buffer for a later request, unless it is empty, too large or every slot is taken. */
    void give(byte[] buffer) {
        if (buffer.length == 0 || buffer.length > MAX_KEPT_BYTES) {
            return;
        }
        int start = start();
        for (int i = 0; i <= mask; i++) {
            int slot = (start + i) & mask;
            if (slots.get(slot) == null && slots.compareAndSet(slot, null, buffer)) {
                return;
            }
        }
    }

    /** Threads start their search at different slots, so they seldom contend for one. */
    private int start() {
        return (int) Thread.currentThread().getId() & mask;
    }
}
