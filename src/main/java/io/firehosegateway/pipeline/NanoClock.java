package io.firehosegateway.pipeline;

/**
 * The pipeline's source of elapsed time, in nanoseconds from an arbitrary origin, as
 * {@link System#nanoTime()}: deadlines, pauses and throttling intervals are measured on it, so tests
 * can move time instead of waiting for it.
 */
@FunctionalInterface
public interface NanoClock {

    /** The system's monotonic clock. */
    NanoClock SYSTEM = System::nanoTime;

    /** Now, in nanoseconds; only differences between two readings mean anything. */
    long nanoTime();
}
