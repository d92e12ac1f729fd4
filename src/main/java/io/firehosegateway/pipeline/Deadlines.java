package io.firehosegateway.pipeline;

/**
 * A record's deadline is the {@link NanoClock} time after which its client stops waiting and the
 * record is given up on. Events answered {@code 202} have none: no client waits for them, so they
 * are tried until delivered.
 */
final class Deadlines {

    /** The deadline of events no client waits for. */
    static final long NO_CLIENT_WAITS = Long.MAX_VALUE;

    private Deadlines() {}

    /** Whether a client waits for a record of this deadline. */
    static boolean clientWaits(long deadlineNanos) {
        return deadlineNanos != NO_CLIENT_WAITS;
    }
}
