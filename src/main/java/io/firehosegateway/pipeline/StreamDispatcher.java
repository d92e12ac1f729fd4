package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics.StreamMeters;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkLimits;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches, sends and retries the records of one stream; the one owner of its in-flight calls,
 * acknowledgements and delivery metrics.
 *
 * <p>A batch is sent when it is full (500 records or 4 MiB encoded), when its linger has passed, or,
 * if a client is waiting for one of its events, at once when no call is in flight
 * ({@code send-when-idle}). At most {@code maxInFlight} calls are in flight. While every slot is
 * busy, a lingered batch keeps filling instead of queueing as a small one, so under load batches
 * come out full. After a call, records marked accepted are done for good; only the others are sent
 * again, after a backoff.
 */
final class StreamDispatcher {

    private static final Logger log = LoggerFactory.getLogger(StreamDispatcher.class);

    /** Throttling answers to calls sent before a decrease must not halve the limit again. */
    private static final long THROTTLE_DECREASE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String stream;
    private final Sink sink;
    private final int packBytes;
    private final long lingerNanos;
    private final boolean sendWhenIdle;
    private final int maxInFlight;
    private final StreamQuota quota;
    private final Backoff backoff;
    private final long configurationFaultPauseNanos;
    private final ScheduledExecutorService scheduler;
    private final StreamMeters meters;
    private final BufferBudget budget;
    private final DeadLetterStore deadLetters;
    private final Clock clock;
    private final NanoClock nanoClock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private final ArrayDeque<List<PendingRecord>> ready = new ArrayDeque<>();
    private OpenBatch open;
    private int inFlight;
    /** The calls allowed in flight now: halved when the destination throttles, regained slowly. */
    private int concurrencyLimit;

    private int cleanCallsSinceChange;
    private long lastDecreaseNanos;
    private boolean quotaWakeScheduled;
    /** Events taken and not yet delivered or given up; lock-free, as it changes once per record. */
    private final AtomicLong unresolvedEvents = new AtomicLong();

    private long pausedUntilNanos;
    private boolean draining;
    private volatile DeliveryStatus status = DeliveryStatus.NONE;

    StreamDispatcher(
            String stream,
            Sink sink,
            int packBytes,
            StreamQuota quota,
            PipelineProperties.Batching batching,
            PipelineProperties.Delivery delivery,
            ScheduledExecutorService scheduler,
            StreamMeters meters,
            BufferBudget budget,
            DeadLetterStore deadLetters,
            Clock clock,
            NanoClock nanoClock) {
        this.stream = stream;
        this.sink = sink;
        this.packBytes = packBytes;
        this.lingerNanos = batching.linger().toNanos();
        this.sendWhenIdle = batching.sendWhenIdle();
        this.maxInFlight = batching.maxInFlight();
        this.concurrencyLimit = maxInFlight;
        this.quota = quota;
        this.backoff = new Backoff(batching.initialBackoff(), batching.maxBackoff());
        this.configurationFaultPauseNanos = delivery.configurationFaultPause().toNanos();
        this.scheduler = scheduler;
        this.meters = meters;
        this.budget = budget;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.nanoClock = nanoClock;
        meters.concurrencyLimit(this::concurrencyLimit);
    }

    int concurrencyLimit() {
        lock.lock();
        try {
            return concurrencyLimit;
        } finally {
            lock.unlock();
        }
    }

    SinkLimits limits() {
        return sink.limits();
    }

    DeliveryStatus status() {
        return status;
    }

    /** Takes a request's events; the caller has reserved their room in the budget. */
    void offer(List<Event> events, DeliveryTicket ticket, long deadlineNanos) {
        List<List<PendingRecord>> toSend;
        lock.lock();
        try {
            unresolvedEvents.addAndGet(events.size());
            for (int i = 0; i < events.size(); i++) {
                byte[] framed = events.get(i).framed();
                if (!openBatch().builder.tryAdd(framed, ticket, i, deadlineNanos)) {
                    ready.add(sealOpen());
                    openBatch().builder.tryAdd(framed, ticket, i, deadlineNanos);
                }
            }
            sealIfFull();
            toSend = takeSendable();
        } finally {
            lock.unlock();
        }
        send(toSend);
    }

    /** Records back from a failed call, after their backoff. */
    private void requeue(List<PendingRecord> records) {
        List<List<PendingRecord>> toSend;
        lock.lock();
        try {
            for (PendingRecord record : records) {
                if (!openBatch().builder.tryAdd(record)) {
                    ready.add(sealOpen());
                    openBatch().builder.tryAdd(record);
                }
            }
            sealIfFull();
            toSend = takeSendable();
        } finally {
            lock.unlock();
        }
        send(toSend);
    }

    private OpenBatch openBatch() {
        if (open == null) {
            OpenBatch batch = new OpenBatch(new BatchBuilder(sink.limits(), packBytes));
            if (!draining) {
                batch.timer = scheduler.schedule(() -> lingerPassed(batch), lingerNanos, TimeUnit.NANOSECONDS);
            }
            open = batch;
        }
        return open;
    }

    private void sealIfFull() {
        if (open != null && open.builder.isFull()) {
            ready.add(sealOpen());
        }
    }

    private List<PendingRecord> sealOpen() {
        OpenBatch sealed = open;
        open = null;
        if (sealed.timer != null) {
            sealed.timer.cancel(false);
        }
        return sealed.builder.build();
    }

    private void lingerPassed(OpenBatch batch) {
        List<List<PendingRecord>> toSend;
        lock.lock();
        try {
            if (open != batch) {
                return;
            }
            batch.lingerPassed = true;
            toSend = takeSendable();
        } finally {
            lock.unlock();
        }
        send(toSend);
    }

    /** Under the lock: claims a slot for each batch that may go now, within the concurrency limit and quota. */
    private List<List<PendingRecord>> takeSendable() {
        List<List<PendingRecord>> out = List.of();
        if (pausedUntilNanos != 0 && nanoClock.nanoTime() < pausedUntilNanos) {
            return out;
        }
        while (inFlight < concurrencyLimit) {
            if (ready.isEmpty()) {
                // An idle stream sends a batch a client waits for at once: lingering only pays while
                // calls are in flight, when the requests that arrive meanwhile fill the next batch
                // anyway. A batch nobody waits for (202 answered) lingers: fuller calls and packs
                // cost less CPU and fewer billed units, and no client sees the delay.
                if (open == null
                        || open.builder.isEmpty()
                        || !(open.lingerPassed
                                || draining
                                || (sendWhenIdle && inFlight == 0 && open.builder.isAwaited()))) {
                    break;
                }
                ready.add(sealOpen());
            }
            if (quota != null && !quotaAllows(ready.peek())) {
                break;
            }
            if (out.isEmpty()) {
                out = new ArrayList<>(2);
            }
            inFlight++;
            out.add(ready.poll());
        }
        return out;
    }

    /** Under the lock: pays for the batch if the quota allows it now, else wakes up when it will. */
    private boolean quotaAllows(List<PendingRecord> batch) {
        long bytes = 0;
        for (PendingRecord record : batch) {
            bytes += record.data.length;
        }
        long wait = quota.nanosUntilAllowed(batch.size(), bytes);
        if (wait == 0) {
            quota.consume(batch.size(), bytes);
            return true;
        }
        if (!quotaWakeScheduled) {
            quotaWakeScheduled = true;
            schedule(this::quotaRefilled, wait);
        }
        return false;
    }

    private void quotaRefilled() {
        List<List<PendingRecord>> toSend;
        lock.lock();
        try {
            quotaWakeScheduled = false;
            toSend = takeSendable();
        } finally {
            lock.unlock();
        }
        send(toSend);
    }

    /** The destination throttled: halve the calls in flight, at most once per round of calls. */
    private void throttled() {
        lock.lock();
        try {
            long now = nanoClock.nanoTime();
            if (now - lastDecreaseNanos > THROTTLE_DECREASE_INTERVAL_NANOS && concurrencyLimit > 1) {
                concurrencyLimit = Math.max(1, concurrencyLimit / 2);
                lastDecreaseNanos = now;
                log.info(
                        "Stream {}: throttled by the destination; calls in flight now at most {}",
                        stream,
                        concurrencyLimit);
            }
            cleanCallsSinceChange = 0;
        } finally {
            lock.unlock();
        }
    }

    /** A call went through unthrottled: after a limit's worth of them, allow one more in flight. */
    private void unthrottled() {
        lock.lock();
        try {
            if (concurrencyLimit < maxInFlight && ++cleanCallsSinceChange >= concurrencyLimit) {
                concurrencyLimit++;
                cleanCallsSinceChange = 0;
            }
        } finally {
            lock.unlock();
        }
    }

    private void send(List<List<PendingRecord>> batches) {
        for (List<PendingRecord> batch : batches) {
            sendOne(batch);
        }
    }

    private void sendOne(List<PendingRecord> candidates) {
        List<PendingRecord> batch = claim(candidates);
        if (batch.isEmpty()) {
            slotFreed();
            return;
        }
        List<byte[]> data = new ArrayList<>(batch.size());
        long bytes = 0;
        for (PendingRecord record : batch) {
            record.attempts++;
            data.add(record.data);
            bytes += record.data.length;
        }
        meters.batch(batch.size(), bytes);
        long start = nanoClock.nanoTime();
        CompletableFuture<BatchResult> call;
        try {
            call = sink.putRecords(stream, data);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((result, error) -> completed(batch, result, error, nanoClock.nanoTime() - start));
    }

    /** Claims each record's events from their tickets; a record any of whose events expired is dropped. */
    private List<PendingRecord> claim(List<PendingRecord> candidates) {
        List<PendingRecord> claimed = new ArrayList<>(candidates.size());
        for (PendingRecord record : candidates) {
            boolean all = true;
            for (int i = 0; i < record.eventCount(); i++) {
                all &= record.tickets[i].tryMarkInFlight(record.indexes[i]);
            }
            if (all) {
                claimed.add(record);
            } else {
                giveUp(record, FailureReason.DEADLINE);
            }
        }
        return claimed;
    }

    private void completed(List<PendingRecord> batch, BatchResult result, Throwable error, long nanos) {
        try {
            if (error != null) {
                failedWhole(batch, asSinkException(error), nanos);
            } else if (result.outcomes().size() != batch.size()) {
                failedWhole(
                        batch,
                        new SinkException(
                                FailureKind.UNKNOWN_OUTCOME,
                                "MismatchedResponse",
                                result.outcomes().size() + " outcomes for " + batch.size() + " records",
                                null),
                        nanos);
            } else {
                answered(batch, result, nanos);
            }
        } catch (RuntimeException e) {
            // Never leave a slot taken: a bug here must not stall the stream.
            log.error("Stream {}: could not process the outcome of a call", stream, e);
        } finally {
            slotFreed();
        }
    }

    private void answered(List<PendingRecord> batch, BatchResult result, long nanos) {
        List<PendingRecord> retry = new ArrayList<>();
        List<PendingRecord> misconfigured = new ArrayList<>();
        RecordOutcome configurationOutcome = null;
        boolean throttled = false;
        // Counted before any ticket hears of its events, so whoever they wake sees the counts.
        meters.request(nanos, batch.size(), result.failedCount(), false);
        status = status.succeeded(clock.instant());
        for (int i = 0; i < batch.size(); i++) {
            PendingRecord record = batch.get(i);
            RecordOutcome outcome = result.outcomes().get(i);
            if (outcome.accepted()) {
                delivered(record);
                continue;
            }
            switch (outcome.kind()) {
                case RETRYABLE -> retry.add(record);
                case THROTTLED -> {
                    throttled = true;
                    retry.add(record);
                }
                case UNKNOWN_OUTCOME -> {
                    record.mayHaveLanded = true;
                    meters.possibleDuplicates(1);
                    retry.add(record);
                }
                case CONFIGURATION -> {
                    misconfigured.add(record);
                    configurationOutcome = outcome;
                }
                case INVALID_REQUEST -> rejected(record, outcome.errorCode(), outcome.errorMessage());
            }
        }
        if (throttled) {
            throttled();
        } else {
            unthrottled();
        }
        retryLater(retry);
        if (configurationOutcome != null) {
            configurationFault(
                    misconfigured,
                    new SinkException(
                            FailureKind.CONFIGURATION,
                            configurationOutcome.errorCode(),
                            configurationOutcome.errorMessage(),
                            null));
        }
    }

    private void failedWhole(List<PendingRecord> batch, SinkException failure, long nanos) {
        meters.request(nanos, batch.size(), batch.size(), true);
        status = status.failed(clock.instant(), failure.kind(), failure.code());
        switch (failure.kind()) {
            case RETRYABLE -> retryLater(batch);
            case THROTTLED -> {
                throttled();
                retryLater(batch);
            }
            case UNKNOWN_OUTCOME -> {
                for (PendingRecord record : batch) {
                    record.mayHaveLanded = true;
                }
                meters.possibleDuplicates(batch.size());
                retryLater(batch);
            }
            case CONFIGURATION -> configurationFault(batch, failure);
            case INVALID_REQUEST -> invalid(batch, failure);
        }
    }

    /**
     * Stream not found, access denied, KMS: the events are fine, the setup is not. Confirmed
     * requests fail at once; events held for later delivery wait, the stream paused, so an IAM
     * mistake never throws a stream's events away.
     */
    private void configurationFault(List<PendingRecord> batch, SinkException failure) {
        log.error(
                "Stream {}: the destination refused the call because the configuration is wrong ({}: {});"
                        + " check the stream's name, region, IAM permissions and KMS key",
                stream,
                failure.code(),
                failure.getMessage());
        List<PendingRecord> keep = new ArrayList<>();
        for (PendingRecord record : batch) {
            if (!Deadlines.clientWaits(record.deadlineNanos)) {
                keep.add(record);
            } else {
                giveUp(record, FailureReason.CONFIGURATION);
            }
        }
        if (keep.isEmpty()) {
            return;
        }
        long until = nanoClock.nanoTime() + configurationFaultPauseNanos;
        lock.lock();
        try {
            pausedUntilNanos = until;
        } finally {
            lock.unlock();
        }
        status = status.paused(clock.instant().plusNanos(configurationFaultPauseNanos));
        returnToQueue(keep, false);
        schedule(this::resume, configurationFaultPauseNanos);
    }

    private void resume() {
        List<List<PendingRecord>> toSend;
        lock.lock();
        try {
            if (nanoClock.nanoTime() < pausedUntilNanos) {
                return;
            }
            pausedUntilNanos = 0;
            toSend = takeSendable();
        } finally {
            lock.unlock();
        }
        send(toSend);
    }

    /** The call was refused as invalid: halve the batch until the record at fault stands alone. */
    private void invalid(List<PendingRecord> batch, SinkException failure) {
        if (batch.size() == 1) {
            rejected(batch.get(0), failure.code(), failure.getMessage());
            return;
        }
        int half = batch.size() / 2;
        for (PendingRecord record : batch) {
            for (int i = 0; i < record.eventCount(); i++) {
                record.tickets[i].markQueued(record.indexes[i], false);
            }
        }
        lock.lock();
        try {
            ready.addFirst(new ArrayList<>(batch.subList(half, batch.size())));
            ready.addFirst(new ArrayList<>(batch.subList(0, half)));
        } finally {
            lock.unlock();
        }
    }

    /**
     * One record refused for good: a packed one is unpacked so that only the event at fault is
     * given up; a single event is.
     */
    private void rejected(PendingRecord record, String code, String message) {
        if (record.eventCount() == 1) {
            log.warn("Stream {}: the destination rejected a record ({}: {})", stream, code, message);
            giveUp(record, FailureReason.INVALID);
            return;
        }
        List<PendingRecord> singles = new ArrayList<>(record.eventCount());
        int start = 0;
        for (int i = 0; i < record.eventCount(); i++) {
            // Each framed event ends at its newline; compact JSON has none inside.
            int end = start;
            while (record.data[end] != '\n') {
                end++;
            }
            PendingRecord single = PendingRecord.single(
                    java.util.Arrays.copyOfRange(record.data, start, end + 1),
                    record.tickets[i],
                    record.indexes[i],
                    record.deadlineNanos);
            single.mayHaveLanded = record.mayHaveLanded;
            singles.add(single);
            start = end + 1;
        }
        returnToQueue(singles, false);
    }

    private void retryLater(List<PendingRecord> records) {
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
            if (Deadlines.clientWaits(record.deadlineNanos) && due - record.deadlineNanos >= 0) {
                giveUp(record, FailureReason.DEADLINE);
            } else {
                keep.add(record);
            }
        }
        if (keep.isEmpty()) {
            return;
        }
        meters.retried(keep.size());
        for (PendingRecord record : keep) {
            for (int i = 0; i < record.eventCount(); i++) {
                record.tickets[i].markQueued(record.indexes[i], record.mayHaveLanded);
            }
        }
        schedule(() -> requeue(keep), delay);
    }

    private void returnToQueue(List<PendingRecord> records, boolean mayHaveLanded) {
        for (PendingRecord record : records) {
            for (int i = 0; i < record.eventCount(); i++) {
                record.tickets[i].markQueued(record.indexes[i], mayHaveLanded || record.mayHaveLanded);
            }
        }
        lock.lock();
        try {
            ready.addFirst(new ArrayList<>(records));
        } finally {
            lock.unlock();
        }
    }

    /** Schedules work on the timer, unless shutdown has stopped it: then the records stay unresolved. */
    private void schedule(Runnable task, long delayNanos) {
        try {
            scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.warn("Stream {}: shutting down; a retry or resume that was due is dropped", stream);
        }
    }

    private void delivered(PendingRecord record) {
        // Room and counts first, tickets last: a client told its events are delivered finds their
        // room free and the metrics saying so.
        budget.release(record.eventCount(), record.data.length);
        meters.delivered(
                1,
                record.eventCount(),
                record.data.length,
                sink.limits().billedUnits(record.data.length) * sink.limits().billingUnitBytes());
        for (int i = 0; i < record.eventCount(); i++) {
            record.tickets[i].markDelivered(record.indexes[i]);
        }
        resolved(record);
    }

    private void giveUp(PendingRecord record, FailureReason reason) {
        if (!Deadlines.clientWaits(record.deadlineNanos)) {
            // No client waits to hear of it: keep the events where an operator finds them.
            deadLetters.write(stream, record.data, reason);
        }
        budget.release(record.eventCount(), record.data.length);
        meters.failed(reason.value(), 1);
        for (int i = 0; i < record.eventCount(); i++) {
            record.tickets[i].markFailed(record.indexes[i], reason);
        }
        resolved(record);
    }

    private void resolved(PendingRecord record) {
        // The lock only for the rare signal: taking it per record contended with offer() (JFR).
        if (unresolvedEvents.addAndGet(-record.eventCount()) == 0) {
            lock.lock();
            try {
                idle.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void slotFreed() {
        List<List<PendingRecord>> toSend;
        lock.lock();
        try {
            inFlight--;
            toSend = takeSendable();
        } finally {
            lock.unlock();
        }
        send(toSend);
    }

    /**
     * Sends everything held without waiting for lingers and waits until it is resolved or the
     * timeout passes. Returns the number of events still unresolved.
     */
    long drain(long timeoutNanos) throws InterruptedException {
        List<List<PendingRecord>> toSend;
        lock.lock();
        try {
            draining = true;
            toSend = takeSendable();
        } finally {
            lock.unlock();
        }
        send(toSend);
        lock.lock();
        try {
            // Shutdown runs on the real clock: the condition counts down what is left.
            long left = timeoutNanos;
            while (unresolvedEvents.get() > 0 && left > 0) {
                left = idle.awaitNanos(left);
            }
            return unresolvedEvents.get();
        } finally {
            lock.unlock();
        }
    }

    private static SinkException asSinkException(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof SinkException sinkException) {
            return sinkException;
        }
        // A sink is meant to classify its failures; one it did not is treated as possibly landed.
        return new SinkException(
                FailureKind.UNKNOWN_OUTCOME, cause.getClass().getSimpleName(), cause.getMessage(), cause);
    }

    /** The batch being filled, and its linger timer. */
    private static final class OpenBatch {
        final BatchBuilder builder;
        ScheduledFuture<?> timer;
        boolean lingerPassed;

        OpenBatch(BatchBuilder builder) {
            this.builder = builder;
        }
    }
}
