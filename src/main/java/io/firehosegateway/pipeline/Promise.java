package io.firehosegateway.pipeline;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What the pipeline promises for a request's events in its delivery mode, as futures.
 *
 * @param mode the mode the events were taken in
 * @param taken completes when the events are the pipeline's: in memory, or on disk in the journaled
 *     mode; fails when the journal could not write them
 * @param kept completes when the mode's promise is kept: at once in the buffered mode, when the
 *     events are on disk in the journaled mode, and in the confirmed mode with what became of each
 *     event once all are delivered or the delivery timeout passed (then queued events are failed for
 *     good and those in flight are unknown); {@code null} as report in the other modes
 * @param keptWithin how long a caller may wait for {@code kept}; past it, the promise was not kept in
 *     time (a journal write that hangs)
 * @param expire in the confirmed mode, keeps the promise now, as the deadline would have: a caller
 *     whose wait for {@code kept} ran out (the timer was late) calls it and then reads {@code kept};
 *     does nothing in the other modes
 */
public record Promise(
        DeliveryMode mode,
        CompletableFuture<Void> taken,
        CompletableFuture<DeliveryReport> kept,
        Duration keptWithin,
        Runnable expire) {

    /** A promise that nothing more can be done for once its wait ran out. */
    Promise(
            DeliveryMode mode,
            CompletableFuture<Void> taken,
            CompletableFuture<DeliveryReport> kept,
            Duration keptWithin) {
        this(mode, taken, kept, keptWithin, () -> {});
    }
}
