package io.firehosegateway.pipeline;

/**
 * The calls a stream has in flight, within its {@link ConcurrencyLimit}. Not thread-safe: its
 * dispatcher guards it.
 */
final class CallSlots {

    private final ConcurrencyLimit limit;
    private int inFlight;

    CallSlots(ConcurrencyLimit limit) {
        this.limit = limit;
    }

    /** Whether another call may go now. */
    boolean available() {
        return inFlight < limit.current();
    }

    /** Whether no call is in flight. */
    boolean idle() {
        return inFlight == 0;
    }

    void take() {
        inFlight++;
    }

    void free() {
        inFlight--;
    }
}
