package io.firehosegateway.pipeline;

import io.firehosegateway.metrics.StreamMeters;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream's calls to its sink, each from the batch its {@link StreamDispatcher} let go to the
 * answer: the records claimed, the call made and counted, and what its {@link CallOutcome} means
 * for each record acted on. Delivered records are settled; records refused for good are given up
 * (a packed one unpacked first, so only the event at fault is); the others go back to the
 * dispatcher's queue, at once to find a fault, after a backoff to retry, or with the stream paused
 * when the setup is wrong. The concurrency limit hears of throttling here, and the stream's status
 * of every answer. The dispatcher's slot is freed once the answer is acted on, whatever happens.
 */
final class StreamCalls {

    private static final Logger log = LoggerFactory.getLogger(StreamCalls.class);

    /** What the calls hand back to the dispatcher, which owns the queue, the slots and the timer. */
    interface Dispatch {

        /** A call ended: its slot is free, and the next batch may go. */
        void slotFreed();

        /** The records go back to the head of the queue, to be sent next. */
        void returnFirst(List<PendingRecord> records);

        /** The single records of an unpacked one go back, on a {@code per-key} stream first in their key's lane. */
        void returnUnpacked(List<PendingRecord> singles);

        /** The records go back to the queue once {@code delayNanos} passed. */
        void requeueAfter(List<PendingRecord> records, long delayNanos);

        /** No call goes before {@code untilNanos}. */
        void pauseUntil(long untilNanos);

        /** Calls go again after {@code delayNanos}, if the pause has passed by then. */
        void resumeAfter(long delayNanos);
    }

    private final String stream;
    private final StreamRoutes.Route route;
    private final Sink sink;
    private final long maxBytesPerCall;
    private final StreamMeters meters;
    private final Settlement settlement;
    private final ConcurrencyLimit concurrencyLimit;
    private final DeliveryFaultLog faultLog;
    private final Backoff backoff;
    private final long configurationFaultPauseNanos;
    private final Clock clock;
    private final NanoClock nanoClock;
    private final Dispatch dispatch;
    private volatile DeliveryStatus status = DeliveryStatus.NONE;

    /**
     * @param settlement where records delivered, given up or waiting again are accounted for
     * @param concurrencyLimit the limit that throttling lowers and success raises
     * @param delivery the backoff and the pause on a configuration fault
     * @param dispatch the dispatcher the records go back to
     */
    StreamCalls(
            StreamDestination destination,
            StreamMeters meters,
            Settlement settlement,
            ConcurrencyLimit concurrencyLimit,
            PipelineProperties.Delivery delivery,
            DispatchShared shared,
            Dispatch dispatch) {
        this.stream = destination.stream();
        this.route = destination.route();
        this.sink = destination.sink();
        this.maxBytesPerCall = destination.limits().maxBytesPerCall();
        this.meters = meters;
        this.settlement = settlement;
        this.concurrencyLimit = concurrencyLimit;
        this.clock = shared.clock();
        this.nanoClock = shared.nanoClock();
        this.faultLog = new DeliveryFaultLog(stream, sink.kind().value(), route.destination(), nanoClock);
        this.backoff = new Backoff(delivery.initialBackoff(), delivery.maxBackoff());
        this.configurationFaultPauseNanos = delivery.configurationFaultPause().toNanos();
        this.dispatch = dispatch;
        meters.concurrencyLimit(concurrencyLimit::current);
        meters.paused(() -> status.heldByConfigurationFault() ? 1 : 0);
        // From zero, so that Prometheus' increase() sees the first failure too (the alerts rely on it).
        for (FailureReason reason : FailureReason.values()) {
            meters.failed(reason.value(), 0);
        }
    }

    /** What the stream's recent calls said. */
    DeliveryStatus status() {
        return status;
    }

    /** Sends a batch the dispatcher let go, holding one of its slots until the answer is acted on. */
    void send(List<PendingRecord> candidates) {
        List<PendingRecord> batch = new ArrayList<>(candidates.size());
        for (PendingRecord record : candidates) {
            PendingRecord claimed = settlement.claim(record);
            if (claimed != null) {
                batch.add(claimed);
            }
        }
        if (batch.isEmpty()) {
            dispatch.slotFreed();
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

    /**
     * Records not even an empty call could carry, taken under larger limits (a journal replayed
     * after its stream moved to a sink with smaller calls): sending them again would never help,
     * and on a {@code per-key} stream their key would wait behind them for good. Called outside the
     * dispatcher's lock, as giving up writes the dead letters and lets the key's next record go.
     */
    void giveUpTooLarge(List<PendingRecord> records) {
        for (PendingRecord record : records) {
            log.error(
                    "Stream {}: a record of {} events and {} bytes is larger than one {} call may carry ({} bytes);"
                            + " given up ({})",
                    stream,
                    record.eventCount(),
                    record.data.length,
                    sink.kind().value(),
                    maxBytesPerCall,
                    FailureReason.TOO_LARGE.value());
            settlement.giveUp(record, FailureReason.TOO_LARGE);
        }
    }

    private void completed(List<PendingRecord> batch, BatchResult result, Throwable error, long nanos) {
        try {
            act(batch, CallOutcome.of(batch, result, error), nanos);
        } catch (RuntimeException e) {
            // Never leave a slot taken: a bug here must not stall the stream.
            log.error("Stream {}: could not process the outcome of a call", stream, e);
        } finally {
            dispatch.slotFreed();
        }
    }

    private void act(List<PendingRecord> batch, CallOutcome outcome, long nanos) {
        SinkException failure = outcome.failure();
        // Counted before any ticket hears of its events, so whoever they wake sees the counts.
        meters.request(nanos, batch.size(), outcome.failedCount(batch.size()), failure != null);
        status = failure == null
                ? status.succeeded(clock.instant())
                : status.failed(clock.instant(), failure.kind(), failure.code());
        settlement.delivered(outcome.delivered());
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
            dispatch.returnFirst(halves.get(1));
            dispatch.returnFirst(halves.get(0));
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
        dispatch.pauseUntil(nanoClock.nanoTime() + configurationFaultPauseNanos);
        status = status.paused(clock.instant().plusNanos(configurationFaultPauseNanos));
        tally.paused();
        settlement.waitAgain(keep, false);
        dispatch.returnFirst(keep);
        dispatch.resumeAfter(configurationFaultPauseNanos);
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
        dispatch.returnUnpacked(singles);
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
        dispatch.requeueAfter(keep, delay);
    }
}
