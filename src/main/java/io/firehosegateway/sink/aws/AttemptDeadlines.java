package io.firehosegateway.sink.aws;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;

/**
 * The attempt timeout of every call in flight, kept by one sweep instead of a timer per call.
 *
 * <p>A timer per call cost a lock to schedule it, another to cancel it, and a wake-up of the
 * timer's thread whenever the new timer became the earliest, which, with every call answered
 * long before its timeout, was nearly every call. Every call here has the same timeout, so calls
 * reach their deadlines in the order they started: a queue in that order needs no sorting, a call
 * joins it with one compare-and-set, and a sweep each tick drops the answered calls at its head and
 * fails the first that are overdue. A call fails at most one tick after its timeout.
 */
final class AttemptDeadlines implements AutoCloseable {

    /** The longest a call may outlive its timeout: a twentieth of it, within 1 ms to 50 ms. */
    static long tickMillis(long timeoutMillis) {
        return Math.max(1, Math.min(50, timeoutMillis / 20));
    }

    private record InFlight(CompletableFuture<?> answer, CompletableFuture<?> execution, long deadline) {}

    private final Queue<InFlight> inFlight = new ConcurrentLinkedQueue<>();
    private final long timeoutMillis;
    private final long timeoutNanos;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService sweeper;

    AttemptDeadlines(long timeoutMillis, LongSupplier nanoTime, ScheduledThreadPoolExecutor sweeper) {
        this.timeoutMillis = timeoutMillis;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.nanoTime = nanoTime;
        this.sweeper = sweeper;
        long tick = tickMillis(timeoutMillis);
        sweeper.scheduleWithFixedDelay(this::sweep, tick, tick, TimeUnit.MILLISECONDS);
    }

    /**
     * Fails {@code answer} with the SDK's {@link ApiCallAttemptTimeoutException} if it is not
     * complete by the timeout, and then cancels {@code execution}.
     */
    void watch(CompletableFuture<?> answer, CompletableFuture<?> execution) {
        inFlight.add(new InFlight(answer, execution, nanoTime.getAsLong() + timeoutNanos));
    }

    /** Drops the answered calls at the head, and fails the overdue ones, up to the first still within its time. */
    void sweep() {
        long now = nanoTime.getAsLong();
        for (InFlight call = inFlight.peek(); call != null; call = inFlight.peek()) {
            if (!call.answer().isDone() && now - call.deadline() < 0) {
                return;
            }
            inFlight.poll();
            if (call.answer().completeExceptionally(ApiCallAttemptTimeoutException.create(timeoutMillis))) {
                call.execution().cancel(true);
            }
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
