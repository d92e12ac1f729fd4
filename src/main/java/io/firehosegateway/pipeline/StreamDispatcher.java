package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics.StreamMeters;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.StreamRoutes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the records of one stream from its requests to its sink: the one owner of its in-flight
 * calls. Each job has a class of its own, and this one calls them in order under one lock:
 *
 * <ul>
 *   <li>{@link BatchQueue}: the open batch and its linger, and the sealed batches;
 *   <li>{@link CallSlots} within the {@link ConcurrencyLimit}, which adapts to throttling;
 *   <li>{@link QuotaGate}: the stream's throughput quota;
 *   <li>{@link CallOutcome}: what a call's answer means for each record, by failure kind;
 *   <li>{@link BatchSplitter}: halving an invalid batch, unpacking a rejected packed record;
 *   <li>{@link Settlement}: room, counts and tickets of records delivered, given up or waiting again;
 *   <li>{@link KeyLanes}, on a {@code per-key} stream: one record unresolved per partition key, its
 *       later events waiting behind it.
 * </ul>
 *
 * <p>A batch is sent when it is full, when its linger has passed, or, if a client is waiting for
 * one of its events, at once when no call is in flight ({@code send-when-idle}). While every slot
 * is busy, a lingered batch keeps filling instead of queueing as a small one, so under load batches
 * come out full. After a call, records marked accepted are done for good; only the others are sent
 * again, after a backoff.
 */
final class StreamDispatcher {

    private static final Logger log = LoggerFactory.getLogger(StreamDispatcher.class);

    private final String stream;
    private final StreamRoutes.Route route;
    private final Sink sink;
    private final SinkLimits limits;
    private final PartitionKeys keys;
    private final Ordering ordering;
    private final boolean sendWhenIdle;
    private final ScheduledExecutorService scheduler;
    private final NanoClock nanoClock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition settled = lock.newCondition();
    private final BatchQueue queue;
    private final ConcurrencyLimit concurrencyLimit;
    private final CallSlots slots;
    private final QuotaGate quota;
    private final StreamQuota streamQuota;
    private final Settlement settlement;
    private final StreamCalls calls;
    /** On a {@code per-key} stream, the keys' lanes; {@code null} when the stream keeps no order. */
    private final KeyLanes lanes;

    private final long maxKeyWaitingEvents;
    private final Duration retryAfter;

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
        PipelineProperties.Buffer buffer = shared.buffer();
        this.route = destination.route();
        this.stream = route.stream();
        this.sink = destination.sink();
        this.limits = destination.limits();
        this.keys = policy.keys();
        this.ordering = policy.ordering();
        this.sendWhenIdle = delivery.sendWhenIdle();
        this.scheduler = shared.timer();
        this.nanoClock = shared.nanoClock();
        this.queue =
                new BatchQueue(limits, policy.packBytes(), delivery.linger().toNanos(), scheduler, this::lingerPassed);
        this.concurrencyLimit = new ConcurrencyLimit(stream, policy.maxInFlight(), nanoClock);
        this.slots = new CallSlots(concurrencyLimit);
        this.streamQuota = policy.quota();
        this.quota = new QuotaGate(streamQuota, wait -> schedule(this::quotaRefilled, wait));
        this.settlement = new Settlement(
                stream,
                limits,
                sink::bytesAsSent,
                shared.budget(),
                meters,
                shared.deadLetters(),
                this::allSettled,
                this::resolved);
        this.calls = new StreamCalls(
                destination, meters, settlement, concurrencyLimit, delivery, shared, new CallsDispatch());
        // One key's waiting events may hold as much of the buffer as one request may: a hot key
        // backs up into its own lane, and past this its clients are told to slow down, not the others.
        this.maxKeyWaitingEvents = BufferBudget.limitOf(buffer.maxRecords(), buffer.requestShare());
        this.retryAfter = buffer.retryAfter();
        this.lanes = ordering == Ordering.PER_KEY
                ? new KeyLanes(
                        policy.packBytes(),
                        limits.maxEventsPerRecord(),
                        maxKeyWaitingEvents,
                        BufferBudget.limitOf(buffer.maxBytes().toBytes(), buffer.requestShare()))
                : null;
        meters.concurrencyLimit(concurrencyLimit::current);
        meters.paused(() -> calls.status().heldByConfigurationFault() ? 1 : 0);
        // From zero, so that Prometheus' increase() sees the first failure too (the alerts rely on it).
        for (FailureReason reason : FailureReason.values()) {
            meters.failed(reason.value(), 0);
        }
    }

    int concurrencyLimit() {
        return concurrencyLimit.current();
    }

    /** How the stream orders the events of one key. */
    Ordering ordering() {
        return ordering;
    }

    /** A record's bytes as the stream's sink sends it. */
    int bytesAsSent(byte[] data) {
        return sink.bytesAsSent(data);
    }

    SinkLimits limits() {
        return limits;
    }

    StreamQuota quota() {
        return streamQuota;
    }

    PartitionKeys keys() {
        return keys;
    }

    DeliveryStatus status() {
        return calls.status();
    }

    /**
     * One request's events for one stream, with the ticket they report to and their deadline.
     *
     * @param deadlineNanos when their client stops waiting; {@link Deadlines#NO_CLIENT_WAITS} for never
     */
    record Offer(StreamDispatcher dispatcher, List<Event> events, DeliveryTicket ticket, long deadlineNanos) {}

    /** Takes a request's events for this stream alone; see {@link #offer(List, boolean)}. */
    void offer(List<Event> events, DeliveryTicket ticket, long deadlineNanos, boolean mayRefuse) {
        offer(List.of(new Offer(this, events, ticket, deadlineNanos)), mayRefuse);
    }

    /**
     * Takes a whole request, whose parts may go to several streams; the caller has reserved their
     * room in the budget. Every part's dispatcher is locked at once (in the streams' name order, so
     * two requests never wait for each other), so the parts are checked and taken as one: a request
     * is taken whole or not at all, and no part of it passes a key's bound.
     *
     * @param mayRefuse whether a {@code per-key} stream may refuse the events when one of their keys
     *     has its share of the buffer waiting already; false for events that must be taken (the
     *     journal's)
     * @throws PartitionKeyBacklogException when refused; nothing of the request was taken
     */
    static void offer(List<Offer> offers, boolean mayRefuse) {
        List<StreamDispatcher> dispatchers = new ArrayList<>(offers.size());
        for (Offer offer : offers) {
            if (!dispatchers.contains(offer.dispatcher())) {
                dispatchers.add(offer.dispatcher());
            }
        }
        dispatchers.sort(Comparator.comparing(dispatcher -> dispatcher.stream));
        List<List<List<PendingRecord>>> toSend = new ArrayList<>(dispatchers.size());
        List<List<PendingRecord>> tooLarge = new ArrayList<>(dispatchers.size());
        int locked = 0;
        try {
            for (StreamDispatcher dispatcher : dispatchers) {
                dispatcher.lock.lock();
                locked++;
            }
            List<List<PendingRecord>> records = new ArrayList<>(offers.size());
            for (Offer offer : offers) {
                records.add(
                        offer.dispatcher().lanes == null
                                ? null
                                : offer.dispatcher().recordsOf(offer));
            }
            if (mayRefuse) {
                for (StreamDispatcher dispatcher : dispatchers) {
                    dispatcher.refuseIfBackedUp(offers, records);
                }
            }
            for (int i = 0; i < offers.size(); i++) {
                offers.get(i).dispatcher().take(offers.get(i), records.get(i));
            }
            for (StreamDispatcher dispatcher : dispatchers) {
                dispatcher.queue.sealIfFull();
                toSend.add(dispatcher.takeSendable());
                tooLarge.add(dispatcher.queue.takeTooLarge());
            }
        } finally {
            for (int i = locked - 1; i >= 0; i--) {
                dispatchers.get(i).lock.unlock();
            }
        }
        for (int i = 0; i < toSend.size(); i++) {
            dispatchers.get(i).giveUpTooLarge(tooLarge.get(i));
            dispatchers.get(i).send(toSend.get(i));
        }
    }

    /** The offer's events as records of one event each, for a {@code per-key} stream's lanes. */
    private List<PendingRecord> recordsOf(Offer offer) {
        List<Event> events = offer.events();
        List<PendingRecord> records = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            records.add(PendingRecord.single(
                    event.framed(), keys.keyOf(event), event.id(), offer.ticket(), i, offer.deadlineNanos()));
        }
        return records;
    }

    /** Under the lock: refuses the request if this stream's lanes cannot take its records for this stream. */
    private void refuseIfBackedUp(List<Offer> offers, List<List<PendingRecord>> records) {
        if (lanes == null) {
            return;
        }
        List<PendingRecord> mine = null;
        for (int i = 0; i < offers.size(); i++) {
            if (offers.get(i).dispatcher() != this) {
                continue;
            }
            if (mine == null) {
                mine = records.get(i);
            } else {
                // Two parts for one stream count together against its keys' bound.
                mine = new ArrayList<>(mine);
                mine.addAll(records.get(i));
            }
        }
        if (mine != null && !lanes.fits(mine)) {
            throw new PartitionKeyBacklogException(stream, maxKeyWaitingEvents, retryAfter);
        }
    }

    /** Under the lock: each event is queued, or on a {@code per-key} stream joins its key's lane. */
    private void take(Offer offer, List<PendingRecord> records) {
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
     * Whether the events would be taken now by {@link #offer(List, boolean)} with refusal on: always
     * on a stream that keeps no order; on a {@code per-key} one, unless one of their keys has its
     * share waiting.
     */
    boolean keysHaveRoom(List<Event> events) {
        if (lanes == null) {
            return true;
        }
        List<PendingRecord> records = recordsOf(new Offer(this, events, null, Deadlines.NO_CLIENT_WAITS));
        lock.lock();
        try {
            return lanes.fits(records);
        } finally {
            lock.unlock();
        }
    }

    /** The partition keys of the events, as this stream finds them. */
    Set<String> keysOf(List<Event> events) {
        Set<String> found = new HashSet<>();
        for (Event event : events) {
            found.add(keys.keyOf(event));
        }
        return found;
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
        List<List<PendingRecord>> toSend;
        List<PendingRecord> tooLarge;
        lock.lock();
        try {
            for (PendingRecord record : records) {
                queue.add(record);
            }
            queue.sealIfFull();
            toSend = takeSendable();
            tooLarge = queue.takeTooLarge();
        } finally {
            lock.unlock();
        }
        giveUpTooLarge(tooLarge);
        send(toSend);
    }

    /**
     * Records not even an empty call could carry, taken under larger limits (a journal replayed
     * after its stream moved to a sink with smaller calls): sending them again would never help,
     * and on a {@code per-key} stream their key would wait behind them for good. Outside the lock,
     * as giving up writes the dead letters and lets the key's next record go.
     */
    private void giveUpTooLarge(List<PendingRecord> records) {
        for (PendingRecord record : records) {
            log.error(
                    "Stream {}: a record of {} events and {} bytes is larger than one {} call may carry ({} bytes);"
                            + " given up ({})",
                    stream,
                    record.eventCount(),
                    record.data.length,
                    sink.kind().value(),
                    limits.maxBytesPerCall(),
                    FailureReason.TOO_LARGE.value());
            settlement.giveUp(record, FailureReason.TOO_LARGE);
        }
        if (records.isEmpty()) {
            return;
        }
        // The keys' next records joined the queue meanwhile; no call's end will send them.
        List<List<PendingRecord>> toSend;
        lock.lock();
        try {
            toSend = takeSendable();
        } finally {
            lock.unlock();
        }
        send(toSend);
    }

    private void lingerPassed(BatchQueue.Lingering batch) {
        List<List<PendingRecord>> toSend;
        lock.lock();
        try {
            if (!queue.lingerPassed(batch)) {
                return;
            }
            toSend = takeSendable();
        } finally {
            lock.unlock();
        }
        send(toSend);
    }

    private void quotaRefilled() {
        List<List<PendingRecord>> toSend;
        lock.lock();
        try {
            quota.woke();
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
        for (List<PendingRecord> batch : batches) {
            calls.send(batch);
        }
    }

    private void resume() {
        List<List<PendingRecord>> toSend;
        lock.lock();
        try {
            if (nanoClock.nanoTime() - pausedUntilNanos < 0) {
                return;
            }
            paused = false;
            toSend = takeSendable();
        } finally {
            lock.unlock();
        }
        send(toSend);
    }

    private void returnFirst(List<PendingRecord> records) {
        lock.lock();
        try {
            queue.addFirst(new ArrayList<>(records));
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

    /** What the stream's calls hand back: each under the lock, as this class's own work is. */
    private final class CallsDispatch implements StreamCalls.Dispatch {

        @Override
        public void slotFreed() {
            StreamDispatcher.this.slotFreed();
        }

        @Override
        public void returnFirst(List<PendingRecord> records) {
            StreamDispatcher.this.returnFirst(records);
        }

        @Override
        public void returnUnpacked(List<PendingRecord> singles) {
            if (lanes == null) {
                StreamDispatcher.this.returnFirst(singles);
                return;
            }
            // Still one record of the key unresolved: the others wait first in its lane.
            lock.lock();
            try {
                StreamDispatcher.this.returnFirst(List.of(lanes.unpacked(singles)));
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void requeueAfter(List<PendingRecord> records, long delayNanos) {
            schedule(() -> requeue(records), delayNanos);
        }

        @Override
        public void pauseUntil(long untilNanos) {
            lock.lock();
            try {
                paused = true;
                pausedUntilNanos = untilNanos;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void resumeAfter(long delayNanos) {
            schedule(StreamDispatcher.this::resume, delayNanos);
        }
    }

    private void allSettled() {
        // The lock only for the rare signal: taking it per record contended with offer() (JFR).
        lock.lock();
        try {
            settled.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void slotFreed() {
        List<List<PendingRecord>> toSend;
        lock.lock();
        try {
            slots.free();
            toSend = takeSendable();
        } finally {
            lock.unlock();
        }
        send(toSend);
    }

    /**
     * Sends everything held without waiting for lingers and waits until it is settled or the
     * timeout passes. Returns the number of events still unsettled.
     */
    long drain(long timeoutNanos) throws InterruptedException {
        List<List<PendingRecord>> toSend;
        lock.lock();
        try {
            queue.drain();
            toSend = takeSendable();
        } finally {
            lock.unlock();
        }
        send(toSend);
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
