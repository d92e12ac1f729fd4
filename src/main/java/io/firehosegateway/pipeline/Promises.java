package io.firehosegateway.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Makes the promise of each delivery mode for a request's tickets: the journaled one kept once the
 * entry is on disk, the buffered one at once, and the confirmed one when every ticket is done or at
 * the delivery timeout, on the pipeline's timer, with a report by the events' indexes in the request.
 */
final class Promises {

    /** A journal write normally takes one fsync; past this the disk is failing. */
    static final Duration JOURNAL_WRITE_TIMEOUT = Duration.ofSeconds(10);

    /** A confirmed promise is kept by its deadline's timer; this covers the timer's own delay. */
    private static final Duration DEADLINE_SLACK = Duration.ofSeconds(1);

    private final ScheduledExecutorService timer;
    private final Duration timeout;

    /**
     * @param timer the pipeline's timer, which keeps a confirmed promise at its deadline
     * @param timeout how long a confirmed request waits for its events
     */
    Promises(ScheduledExecutorService timer, Duration timeout) {
        this.timer = timer;
        this.timeout = timeout;
    }

    /** The journaled mode's promise: taken and kept once the entry is on disk. */
    static Promise journaled(CompletableFuture<Long> durable) {
        CompletableFuture<Void> onDisk = durable.thenApply(sequence -> null);
        return new Promise(DeliveryMode.JOURNALED, onDisk, onDisk.thenApply(ignored -> null), JOURNAL_WRITE_TIMEOUT);
    }

    /** The promise of a mode that answers once the events are in memory. */
    static Promise taken(DeliveryMode mode) {
        return new Promise(
                mode, CompletableFuture.completedFuture(null), CompletableFuture.completedFuture(null), Duration.ZERO);
    }

    /** Completes once every ticket is done. */
    static CompletableFuture<Void> allDone(List<DeliveryTicket> tickets) {
        return CompletableFuture.allOf(
                tickets.stream().map(DeliveryTicket::done).toArray(CompletableFuture[]::new));
    }

    /**
     * The promise of a confirmed request: kept when every ticket is done or at the delivery timeout,
     * with the report of the tickets as they are then.
     *
     * @param parts the request's parts, each with the ticket of the same place in {@code tickets}
     */
    Promise confirmed(List<RequestPart> parts, List<DeliveryTicket> tickets) {
        CompletableFuture<DeliveryReport> kept = new CompletableFuture<>();
        allDone(tickets).thenRun(() -> kept.complete(report(parts, tickets)));
        Runnable expiry = () -> {
            // Queued events fail for good; those in flight stay unknown until their call ends.
            tickets.forEach(DeliveryTicket::expire);
            kept.complete(report(parts, tickets));
        };
        try {
            ScheduledFuture<?> deadline = timer.schedule(expiry, timeout.toNanos(), TimeUnit.NANOSECONDS);
            kept.whenComplete((settled, failure) -> deadline.cancel(false));
        } catch (RejectedExecutionException e) {
            // Shutting down, the timer stopped: the promise is still kept at the deadline.
            CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS)
                    .execute(expiry);
        }
        return new Promise(
                DeliveryMode.CONFIRMED,
                CompletableFuture.completedFuture(null),
                kept,
                timeout.plus(DEADLINE_SLACK),
                expiry);
    }

    /** The tickets' reports as one, by the events' indexes in the request. */
    private static DeliveryReport report(List<RequestPart> parts, List<DeliveryTicket> tickets) {
        List<Integer> delivered = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        List<Integer> unknown = new ArrayList<>();
        FailureReason reason = null;
        for (int p = 0; p < parts.size(); p++) {
            List<Integer> indexes = parts.get(p).indexes();
            DeliveryReport part = tickets.get(p).report();
            part.delivered().forEach(i -> delivered.add(indexes.get(i)));
            part.failed().forEach(i -> failed.add(indexes.get(i)));
            part.unknown().forEach(i -> unknown.add(indexes.get(i)));
            if (reason == null) {
                reason = part.failureReason();
            }
        }
        Collections.sort(delivered);
        Collections.sort(failed);
        Collections.sort(unknown);
        return new DeliveryReport(delivered, failed, unknown, reason);
    }
}
