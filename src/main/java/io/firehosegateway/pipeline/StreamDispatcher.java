package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics.StreamMeters;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
    private final Backoff backoff;
    private final long configurationFaultPauseNanos;
    private final ScheduledExecutorService scheduler;
    private final StreamMeters meters;
    private final Clock clock;
    private final NanoClock nanoClock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition settled = lock.newCondition();
    private final BatchQueue queue;
    private final ConcurrencyLimit concurrencyLimit;
    private final CallSlots slots;
    private final QuotaGate quota;
    private final StreamQuota streamQuota;
    private final Settlement settlement;
    private final DeliveryFaultLog faultLog;
    /** On a {@code per-key} stream, the keys' lanes; {@code null} when the stream keeps no order. */
    private final KeyLanes lanes;

    private final long maxKeyWaitingEvents;
    private final Duration retryAfter;

    private long pausedUntilNanos;
    private boolean paused;
    private volatile DeliveryStatus status = DeliveryStatus.NONE;

    StreamDispatcher(
            StreamRoutes.Route route,
            Sink sink,
            SinkLimits limits,
            PartitionKeys keys,
            Ordering ordering,
            int packBytes,
            StreamQuota quota,
            int maxInFlight,
            PipelineProperties.Delivery delivery,
            PipelineProperties.Buffer buffer,
            ScheduledExecutorService scheduler,
            StreamMeters meters,
            BufferBudget budget,
            DeadLetterStore deadLetters,
            Clock clock,
            NanoClock nanoClock) {
        this.stream = route.stream();
        this.route = route;
        this.sink = sink;
        this.limits = limits;
        this.keys = keys;
        this.ordering = ordering;
        this.sendWhenIdle = delivery.sendWhenIdle();
        this.backoff = new Backoff(delivery.initialBackoff(), delivery.maxBackoff());
        this.configurationFaultPauseNanos = delivery.configurationFaultPause().toNanos();
        this.scheduler = scheduler;
        this.meters = meters;
        this.clock = clock;
        this.nanoClock = nanoClock;
        this.queue = new BatchQueue(limits, packBytes, delivery.linger().toNanos(), scheduler, this::lingerPassed);
        this.concurrencyLimit = new ConcurrencyLimit(stream, maxInFlight, nanoClock);
        this.slots = new CallSlots(concurrencyLimit);
        this.streamQuota = quota;
        this.quota = new QuotaGate(quota, wait -> schedule(this::quotaRefilled, wait));
        this.settlement = new Settlement(
                stream, limits, sink::bytesAsSent, budget, meters, deadLetters, this::allSettled, this::resolved);
        this.faultLog = new DeliveryFaultLog(stream, sink.kind().value(), route.destination(), nanoClock);
        // One key's waiting events may hold as much of the buffer as one request may: a hot key
        // backs up into its own lane, and past this its clients are told to slow down, not the others.
        this.maxKeyWaitingEvents = BufferBudget.limitOf(buffer.maxRecords(), buffer.requestShare());
        this.retryAfter = buffer.retryAfter();
        this.lanes = ordering == Ordering.PER_KEY
                ? new KeyLanes(
                        packBytes,
                        limits.maxEventsPerRecord(),
                        maxKeyWaitingEvents,
                        BufferBudget.limitOf(buffer.maxBytes().toBytes(), buffer.requestShare()))
                : null;
        meters.concurrencyLimit(concurrencyLimit::current);
        meters.paused(() -> status.heldByConfigurationFault() ? 1 : 0);
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
        return status;
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
            sendOne(batch);
        }
    }

    private void sendOne(List<PendingRecord> candidates) {
        List<PendingRecord> batch = new ArrayList<>(candidates.size());
        for (PendingRecord record : candidates) {
            PendingRecord claimed = settlement.claim(record);
            if (claimed != null) {
                batch.add(claimed);
            }
        }
        if (batch.isEmpty()) {
            slotFreed();
            return;
        }
        List<SinkRecord> data = new ArrayList<>(batch.size());
        long bytes = 0;
        for (PendingRecord record : batch) {
            record.attempts++;
            data.add(record.toSinkRecord());
            bytes += record.data.length;
        }
        meters.batch(batch.size(), bytes);
        long start = nanoClock.nanoTime();
        CompletableFuture<BatchResult> call;
        try {
            call = sink.putRecords(route, data);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((result, error) -> {
            if (result != null) {
                // A service that bills per call bills every answered call, whatever became of its entries.
                meters.billedPerCall(sink.billedUnitsOfCall(route, data) + result.billedUnits());
                meters.userRecordsPerRecord(result.userRecordsPerRecord());
            }
            completed(batch, result, error, nanoClock.nanoTime() - start);
        });
    }

    private void completed(List<PendingRecord> batch, BatchResult result, Throwable error, long nanos) {
        try {
            act(batch, CallOutcome.of(batch, result, error), nanos);
        } catch (RuntimeException e) {
            // Never leave a slot taken: a bug here must not stall the stream.
            log.error("Stream {}: could not process the outcome of a call", stream, e);
        } finally {
            slotFreed();
        }
    }

    private void act(List<PendingRecord> batch, CallOutcome outcome, long nanos) {
        SinkException failure = outcome.failure();
        // Counted before any ticket hears of its events, so whoever they wake sees the counts.
        meters.request(nanos, batch.size(), outcome.failedCount(batch.size()), failure != null);
        status = failure == null
                ? status.succeeded(clock.instant())
                : status.failed(clock.instant(), failure.kind(), failure.code());
        for (PendingRecord record : outcome.delivered()) {
            settlement.delivered(record);
        }
        if (outcome.possibleDuplicates() > 0) {
            meters.possibleDuplicates(outcome.possibleDuplicates());
        }
        DeliveryFaultLog.Tally tally = new DeliveryFaultLog.Tally();
        for (CallOutcome.Rejection rejection : outcome.rejected()) {
            rejected(rejection, tally);
        }
        if (outcome.callThrottled() || (outcome.throttled() && sink.recordThrottlingIsDestinationWide())) {
            concurrencyLimit.throttled();
        } else if (failure == null) {
            concurrencyLimit.unthrottled();
        }
        retryLater(outcome.retry(), tally);
        if (!outcome.misconfigured().isEmpty()) {
            configurationFault(outcome.misconfigured(), tally);
        }
        if (!outcome.split().isEmpty()) {
            // Refused as invalid: halve the batch until the record at fault stands alone.
            sendAgainToFindFault(outcome.split(), tally);
            List<List<PendingRecord>> halves = BatchSplitter.halve(outcome.split());
            returnFirst(halves.get(1));
            returnFirst(halves.get(0));
        }
        faultLog.called(batch.size(), outcome, tally);
    }

    /**
     * Stream not found, access denied, KMS: the events are fine, the setup is not. Confirmed
     * requests fail at once; events held for later delivery wait, the stream paused, so an IAM
     * mistake never throws a stream's events away. {@link DeliveryFaultLog} logs it.
     */
    private void configurationFault(List<PendingRecord> batch, DeliveryFaultLog.Tally tally) {
        List<PendingRecord> keep = new ArrayList<>();
        for (PendingRecord record : batch) {
            if (!Deadlines.clientWaits(record.deadlineNanos)) {
                keep.add(record);
            } else {
                settlement.giveUp(record, FailureReason.CONFIGURATION);
                tally.givenUp(FailureReason.CONFIGURATION);
            }
        }
        if (keep.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            paused = true;
            pausedUntilNanos = nanoClock.nanoTime() + configurationFaultPauseNanos;
        } finally {
            lock.unlock();
        }
        status = status.paused(clock.instant().plusNanos(configurationFaultPauseNanos));
        tally.paused();
        settlement.waitAgain(keep, false);
        returnFirst(keep);
        schedule(this::resume, configurationFaultPauseNanos);
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

    /**
     * One record refused for good: a packed one is unpacked so that only the event at fault is
     * given up; a single event is. {@link DeliveryFaultLog} logs it, once for the call.
     */
    private void rejected(CallOutcome.Rejection rejection, DeliveryFaultLog.Tally tally) {
        PendingRecord record = rejection.record();
        if (record.eventCount() == 1) {
            settlement.giveUp(record, FailureReason.INVALID);
            tally.givenUp(FailureReason.INVALID);
            return;
        }
        List<PendingRecord> singles = BatchSplitter.unpack(record);
        sendAgainToFindFault(singles, tally);
        if (lanes == null) {
            returnFirst(singles);
            return;
        }
        // Still one record of the key unresolved: the others wait first in its lane.
        lock.lock();
        try {
            returnFirst(List.of(lanes.unpacked(singles)));
        } finally {
            lock.unlock();
        }
    }

    /** Records split or unpacked to find the one at fault are sent again too, and counted so. */
    private void sendAgainToFindFault(List<PendingRecord> records, DeliveryFaultLog.Tally tally) {
        settlement.waitAgain(records, false);
        meters.retried(records.size());
        tally.retried(records.size());
        tally.resentToFindFault(records.size());
    }

    private void retryLater(List<PendingRecord> records, DeliveryFaultLog.Tally tally) {
        if (records.isEmpty()) {
            return;
        }
        int attempts = 0;
        for (PendingRecord record : records) {
            attempts = Math.max(attempts, record.attempts);
        }
        long delay = backoff.delayNanos(attempts);
        long due = nanoClock.nanoTime() + delay;
        List<PendingRecord> keep = new ArrayList<>(records.size());
        for (PendingRecord record : records) {
            // A pack may hold several requests' events: only those whose own deadline passes are given up.
            PendingRecord waiting = settlement.giveUpExpiringBy(record, due);
            if (waiting != record) {
                tally.givenUp(FailureReason.DEADLINE);
            }
            if (waiting != null) {
                keep.add(waiting);
            }
        }
        if (keep.isEmpty()) {
            return;
        }
        meters.retried(keep.size());
        tally.retried(keep.size());
        settlement.waitAgain(keep, false);
        schedule(() -> requeue(keep), delay);
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
