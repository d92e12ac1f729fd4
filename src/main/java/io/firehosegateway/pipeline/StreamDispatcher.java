package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.StreamMeters;
import io.firehosegateway.sink.SinkLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when one stream's records go to its sink: the one owner of its queue and its call slots.
 * Each job has a class of its own, and this one calls them in order under one lock:
 *
 * <ul>
 *   <li>{@link RequestIntake} takes a request's events in, whole across its streams;
 *   <li>{@link BatchQueue}: the open batch and its linger, and the sealed batches;
 *   <li>{@link CallSlots} within the {@link ConcurrencyLimit}, which adapts to throttling;
 *   <li>{@link QuotaGate}: the stream's throughput quota;
 *   <li>{@link StreamCalls} makes each call and acts on its answer, sending records back here;
 *   <li>{@link Settlement}: room, counts and tickets of records delivered, given up or waiting again;
 *   <li>{@link KeyLanes}, on a {@code per-key} stream: one record unresolved per partition key, its
 *       later events waiting behind it.
 * </ul>
 *
 * <p>A batch is sent when it is full, when its linger has passed, or, if a client waits for one of
 * its events, at once when no call is in flight ({@code send-when-idle}); with {@code
 * send-when-idle-after-calls=false} only if it was empty when the last call's answer left the stream
 * idle: a lone event still goes at once, a batch that filled during calls fills for its linger, as
 * the clients those answers released are about to send. While every slot is busy, a lingered batch
 * keeps filling; one at least half full when its linger passes lingers once more, for the same reason,
 * and so does one opened when the batch before it filled ({@code linger-again-after-full}).
 * After a call, records marked accepted are done for good; only the others are sent again, after a backoff.
 */
final class StreamDispatcher implements StreamCalls.Dispatch {

    private static final Logger log = LoggerFactory.getLogger(StreamDispatcher.class);

    private final StreamDestination destination;
    private final StreamPolicy policy;
    private final String stream;
    private final SinkLimits limits;
    private final PartitionKeys keys;
    private final boolean sendWhenIdle;
    private final ScheduledExecutorService scheduler;
    private final NanoClock nanoClock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition settled = lock.newCondition();
    private final BatchQueue queue;
    private final ConcurrencyLimit concurrencyLimit;
    private final CallSlots slots;
    private final QuotaGate quota;
    private final Settlement settlement;
    private final StreamCalls calls;
    /** On a {@code per-key} stream, the keys' lanes; {@code null} when the stream keeps no order. */
    private final KeyLanes lanes;

    private long pausedUntilNanos;
    private boolean paused;

    /**
     * @param destination where the stream's records go, as its sink described it at the start
     * @param policy how the stream packs, orders and paces its records
     * @param shared what every stream's dispatcher shares
     * @param meters the stream's own meters
     */
    StreamDispatcher(StreamDestination destination, StreamPolicy policy, DispatchShared shared, StreamMeters meters) {
        PipelineProperties.Delivery delivery = shared.delivery();
        this.destination = destination;
        this.policy = policy;
        this.stream = destination.stream();
        this.limits = destination.limits();
        this.keys = policy.keys();
        this.sendWhenIdle = delivery.sendWhenIdle();
        this.scheduler = shared.timer();
        this.nanoClock = shared.nanoClock();
        this.queue = new BatchQueue(limits, policy.packBytes(), delivery, scheduler, this::lingerPassed);
        this.concurrencyLimit = new ConcurrencyLimit(stream, policy.maxInFlight(), nanoClock);
        this.slots = new CallSlots(concurrencyLimit);
        this.quota = new QuotaGate(policy.quota(), wait -> schedule(this::quotaRefilled, wait));
        this.settlement = new Settlement(
                stream,
                limits,
                destination.sink()::bytesAsSent,
                shared.budget(),
                meters,
                shared.deadLetters(),
                this::allSettled,
                this::resolved);
        this.calls = new StreamCalls(destination, meters, settlement, concurrencyLimit, delivery, shared, this);
        this.lanes = policy.ordering() == Ordering.PER_KEY
                ? new KeyLanes(stream, policy.packBytes(), limits.maxEventsPerRecord(), shared.buffer())
                : null;
    }

    /** How the stream keys, orders, packs and paces its records. */
    StreamPolicy policy() {
        return policy;
    }

    /** Where the stream's records go: its sink and the sink's limits. */
    StreamDestination destination() {
        return destination;
    }

    DeliveryStatus status() {
        return calls.status();
    }

    String stream() {
        return stream;
    }

    /** Whether the stream keeps the events of one key in order, in the keys' lanes. */
    boolean keepsKeyOrder() {
        return lanes != null;
    }

    /** Locks the stream for {@link RequestIntake}, which locks every stream of a request at once. */
    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /** Under the lock: refuses the records when one of their keys has its share of the buffer waiting. */
    void refuseIfBackedUp(List<PendingRecord> records) {
        lanes.refuseIfBackedUp(records);
    }

    /**
     * Under the lock: each event is queued, or on a {@code per-key} stream joins its key's lane.
     *
     * @param records the offer's events as single records, on a {@code per-key} stream; else null
     */
    void take(RequestIntake.Offer offer, List<PendingRecord> records) {
        List<Event> events = offer.events();
        settlement.taken(events.size());
        if (lanes == null) {
            for (int i = 0; i < events.size(); i++) {
                Event event = events.get(i);
                queue.add(event.framed(), keys.keyOf(event), event.id(), offer.ticket(), i, offer.deadlineNanos());
            }
            return;
        }
        for (PendingRecord record : records) {
            PendingRecord now = lanes.admit(record);
            if (now != null) {
                queue.add(now);
            }
        }
    }

    /**
     * What a change under the lock lets go, handed on once the lock is released.
     *
     * @param toSend the batches that claimed a slot
     * @param tooLarge records no call could carry, to be given up
     */
    record Handoff(List<List<PendingRecord>> toSend, List<PendingRecord> tooLarge) {}

    /** Under the lock: seals a full batch and takes what may go now. */
    Handoff sealed() {
        queue.sealIfFull();
        return new Handoff(takeSendable(), queue.takeTooLarge());
    }

    /** Outside the lock: gives up what no call could carry, and sends what may go. */
    void handOn(Handoff handoff) {
        giveUpTooLarge(handoff.tooLarge());
        send(handoff.toSend());
    }

    /**
     * Whether the stream would take these events now with refusal on: always on a stream that keeps
     * no order; on a {@code per-key} one, unless one of their keys has its share waiting.
     */
    boolean keysHaveRoom(List<Event> events) {
        if (lanes == null) {
            return true;
        }
        List<PendingRecord> records = PendingRecord.singles(events, keys, null, Deadlines.NO_CLIENT_WAITS);
        lock.lock();
        try {
            return lanes.fits(records);
        } finally {
            lock.unlock();
        }
    }

    /**
     * A record was delivered or given up on: on a {@code per-key} stream its key's next record may
     * go. It joins the queue only; whoever resolved it frees a slot next, which sends it.
     */
    private void resolved(PendingRecord record) {
        if (lanes == null) {
            return;
        }
        List<PendingRecord> tooLarge;
        lock.lock();
        try {
            PendingRecord next = lanes.resolved(record);
            if (next != null) {
                queue.add(next);
                queue.sealIfFull();
            }
            tooLarge = queue.takeTooLarge();
        } finally {
            lock.unlock();
        }
        giveUpTooLarge(tooLarge);
    }

    /** Records back from a failed call, after their backoff. */
    private void requeue(List<PendingRecord> records) {
        Handoff handoff;
        lock.lock();
        try {
            for (PendingRecord record : records) {
                queue.add(record);
            }
            handoff = sealed();
        } finally {
            lock.unlock();
        }
        handOn(handoff);
    }

    /** Outside the lock: records no call could carry are given up, and what waited behind them may go. */
    private void giveUpTooLarge(List<PendingRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        calls.giveUpTooLarge(records);
        // The keys' next records joined the queue meanwhile; no call's end will send them.
        sendAfter(() -> true);
    }

    private void lingerPassed(BatchQueue.Lingering batch) {
        sendAfter(() -> queue.lingerPassed(batch, !slots.idle()));
    }

    private void quotaRefilled() {
        sendAfter(() -> {
            quota.woke();
            return true;
        });
    }

    /**
     * Makes a change under the lock and then sends, outside it, the batches that may go now: the
     * way every timer, call end and resume lets records go.
     *
     * @param change false when it found nothing to do, and nothing is sent
     */
    private void sendAfter(BooleanSupplier change) {
        List<List<PendingRecord>> toSend;
        lock.lock();
        try {
            if (!change.getAsBoolean()) {
                return;
            }
            toSend = takeSendable();
        } finally {
            lock.unlock();
        }
        send(toSend);
    }

    /** Under the lock: claims a slot for each batch that may go now, within the concurrency limit and quota. */
    private List<List<PendingRecord>> takeSendable() {
        List<List<PendingRecord>> out = List.of();
        if (paused && nanoClock.nanoTime() - pausedUntilNanos < 0) {
            return out;
        }
        while (slots.available()) {
            List<PendingRecord> next = queue.peekSendable(sendWhenIdle && slots.idle());
            if (next == null || !quota.tryPass(next)) {
                break;
            }
            if (out.isEmpty()) {
                out = new ArrayList<>(2);
            }
            slots.take();
            out.add(queue.poll());
        }
        return out;
    }

    private void send(List<List<PendingRecord>> batches) {
        batches.forEach(calls::send);
    }

    private void resume() {
        sendAfter(() -> {
            if (nanoClock.nanoTime() - pausedUntilNanos < 0) {
                return false;
            }
            paused = false;
            return true;
        });
    }

    @Override
    public void returnFirst(List<PendingRecord> records) {
        underLock(() -> queue.addFirst(new ArrayList<>(records)));
    }

    /** Makes a change under the lock that lets nothing go by itself. */
    private void underLock(Runnable change) {
        lock.lock();
        try {
            change.run();
        } finally {
            lock.unlock();
        }
    }

    /** Schedules work on the timer, unless shutdown has stopped it: then the records stay unresolved. */
    private void schedule(Runnable task, long delayNanos) {
        try {
            scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            log.warn("Stream {}: shutting down; a retry or resume that was due is dropped", stream);
        }
    }

    @Override
    public void returnUnpacked(List<PendingRecord> singles) {
        if (lanes == null) {
            returnFirst(singles);
            return;
        }
        // Still one record of the key unresolved: the others wait first in its lane.
        underLock(() -> returnFirst(List.of(lanes.unpacked(singles))));
    }

    @Override
    public void requeueAfter(List<PendingRecord> records, long delayNanos) {
        schedule(() -> requeue(records), delayNanos);
    }

    @Override
    public void pauseUntil(long untilNanos) {
        underLock(() -> {
            paused = true;
            pausedUntilNanos = untilNanos;
        });
    }

    @Override
    public void resumeAfter(long delayNanos) {
        schedule(this::resume, delayNanos);
    }

    private void allSettled() {
        // The lock only for the rare signal: taking it per record contended with offer() (JFR).
        underLock(settled::signalAll);
    }

    @Override
    public void slotFreed() {
        sendAfter(() -> {
            slots.free();
            queue.callEnded(slots.idle());
            return true;
        });
    }

    /**
     * Sends everything held without waiting for lingers and waits until it is settled or the
     * timeout passes. Returns the number of events still unsettled.
     */
    long drain(long timeoutNanos) throws InterruptedException {
        sendAfter(() -> {
            queue.drain();
            return true;
        });
        lock.lock();
        try {
            // Shutdown runs on the real clock: the condition counts down what is left.
            long left = timeoutNanos;
            while (settlement.unsettled() > 0 && left > 0) {
                left = settled.awaitNanos(left);
            }
            return settlement.unsettled();
        } finally {
            lock.unlock();
        }
    }
}
