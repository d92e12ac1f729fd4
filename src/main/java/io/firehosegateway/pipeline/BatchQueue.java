package io.firehosegateway.pipeline;

import io.firehosegateway.sink.SinkLimits;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The batch being filled, with its linger, and the sealed batches waiting for a slot. A batch is
 * sealed when it is full; the open one goes when its linger passed, while draining, or at once when
 * the dispatcher says an idle stream may send a batch a client waits for. Not thread-safe: its
 * dispatcher guards it.
 */
final class BatchQueue {

    private final SinkLimits limits;
    private final int packBytes;
    private final long lingerNanos;
    private final boolean sendWhenIdleAfterCalls;
    private final boolean lingerAgainAfterFull;
    private final ScheduledExecutorService scheduler;
    private final Consumer<Lingering> lingerPassed;
    private final ArrayDeque<List<PendingRecord>> ready = new ArrayDeque<>();
    private Lingering open;
    private List<PendingRecord> tooLarge = new ArrayList<>(1);
    private boolean draining;
    /** Whether the batch sealed last was full: the stream filled a call before its linger passed. */
    private boolean lastSealedFull;

    /**
     * @param delivery its linger, and whether a batch that filled during calls may still go at once
     *     when the stream falls idle ({@code send-when-idle-after-calls})
     * @param lingerPassed called on the scheduler's thread when an open batch's linger passed; the
     *     dispatcher then takes its lock and calls {@link #lingerPassed(Lingering)}
     */
    BatchQueue(
            SinkLimits limits,
            int packBytes,
            PipelineProperties.Delivery delivery,
            ScheduledExecutorService scheduler,
            Consumer<Lingering> lingerPassed) {
        this.limits = limits;
        this.packBytes = packBytes;
        this.lingerNanos = delivery.linger().toNanos();
        this.sendWhenIdleAfterCalls = delivery.sendWhenIdleAfterCalls();
        this.lingerAgainAfterFull = delivery.lingerAgainAfterFull();
        this.scheduler = scheduler;
        this.lingerPassed = lingerPassed;
    }

    /**
     * Adds a new event; a full open batch is sealed and a new one opened. An event not even an
     * empty call could carry is kept for {@link #takeTooLarge()}.
     */
    void add(byte[] framed, String key, String id, DeliveryTicket ticket, int index, long deadlineNanos) {
        if (openBatch().builder.tryAdd(framed, key, id, ticket, index, deadlineNanos)) {
            return;
        }
        if (!open.builder.isEmpty()) {
            ready.add(sealFull());
            if (openBatch().builder.tryAdd(framed, key, id, ticket, index, deadlineNanos)) {
                return;
            }
        }
        tooLarge(PendingRecord.single(framed, key, id, ticket, index, deadlineNanos));
    }

    /**
     * Adds a whole record: back from a failed call, or a key's next. A record not even an empty call
     * could carry is kept for {@link #takeTooLarge()}.
     */
    void add(PendingRecord record) {
        if (openBatch().builder.tryAdd(record)) {
            return;
        }
        if (!open.builder.isEmpty()) {
            ready.add(sealFull());
            if (openBatch().builder.tryAdd(record)) {
                return;
            }
        }
        tooLarge(record);
    }

    /**
     * The records added since the last call that not even an empty call could carry, for the
     * dispatcher to give up on once it released its lock.
     */
    List<PendingRecord> takeTooLarge() {
        if (tooLarge.isEmpty()) {
            return List.of();
        }
        List<PendingRecord> taken = tooLarge;
        tooLarge = new ArrayList<>(1);
        return taken;
    }

    private void tooLarge(PendingRecord record) {
        tooLarge.add(record);
        // The batch opened for it is empty: it would only linger for nothing.
        sealOpen();
    }

    /** Seals the open batch if no further event could join it. */
    void sealIfFull() {
        if (open != null && open.builder.isFull()) {
            ready.add(sealFull());
        }
    }

    /** Puts a batch first in line: records that were in a call already go before new ones. */
    void addFirst(List<PendingRecord> batch) {
        ready.addFirst(batch);
    }

    /**
     * A call was answered. With {@code send-when-idle-after-calls} off, if it was the last in flight,
     * an open batch that holds records filled while calls were in flight, and from now on waits out
     * its linger even at an idle stream: the clients that the answers released are about to send;
     * sent now, it would leave part-full and theirs make one more call.
     *
     * @param streamIdle whether no call is in flight now
     */
    void callEnded(boolean streamIdle) {
        if (streamIdle && open != null && !open.builder.isEmpty() && !sendWhenIdleAfterCalls) {
            open.filledDuringCalls = true;
        }
    }

    /**
     * The batch that may go next, sealing the open one when it may go now, or {@code null}.
     *
     * @param idle whether the stream has no call in flight and sends a batch a client waits for at once
     */
    List<PendingRecord> peekSendable(boolean idle) {
        if (ready.isEmpty()) {
            // An idle stream sends a batch a client waits for at once (unless it filled during calls,
            // with send-when-idle-after-calls off): lingering only pays while calls are in flight,
            // when the requests that arrive meanwhile fill the next batch anyway. A batch nobody waits for (202
            // answered) lingers: fuller calls and
            // packs cost less CPU and fewer billed units, and no client sees the delay.
            if (open == null
                    || open.builder.isEmpty()
                    || !(open.lingerPassed || draining || (idle && open.builder.isAwaited() && open.goesWhenIdle()))) {
                return null;
            }
            ready.add(sealOpen());
        }
        return ready.peek();
    }

    /** Takes the batch {@link #peekSendable(boolean)} returned. */
    List<PendingRecord> poll() {
        return ready.poll();
    }

    /**
     * Marks the batch's linger passed; false when it was sealed meanwhile, or when it lingers once
     * more. While calls are in flight a batch lingers a second time when it is at least half full,
     * or ({@code linger-again-after-full}) when the batch before it filled: at saturation the
     * answers of the calls in flight release the clients whose next requests would fill it, and sent
     * now it leaves part-full, one more call for the same events. A stream with no call in flight
     * still sends a batch a client waits for at once, held or not, and a batch under half full after
     * one that was not full goes as before, so loads that never fill a call see no added wait.
     *
     * @param callsInFlight whether the stream has a call in flight
     */
    boolean lingerPassed(Lingering batch, boolean callsInFlight) {
        if (open != batch) {
            return false;
        }
        boolean atCallPace = batch.builder.isHalfFull() || (lingerAgainAfterFull && batch.followsFull);
        if (callsInFlight && !batch.lingeredTwice && !draining && atCallPace) {
            batch.lingeredTwice = true;
            batch.timer = scheduler.schedule(() -> lingerPassed.accept(batch), lingerNanos, TimeUnit.NANOSECONDS);
            return false;
        }
        batch.lingerPassed = true;
        return true;
    }

    /** From now on every batch may go at once; no linger timer is started. */
    void drain() {
        draining = true;
    }

    private Lingering openBatch() {
        if (open == null) {
            Lingering batch = new Lingering(new BatchBuilder(limits, packBytes), lastSealedFull);
            if (!draining) {
                batch.timer = scheduler.schedule(() -> lingerPassed.accept(batch), lingerNanos, TimeUnit.NANOSECONDS);
            }
            open = batch;
        }
        return open;
    }

    /** Seals the open batch because no further record fits. */
    private List<PendingRecord> sealFull() {
        List<PendingRecord> batch = sealOpen();
        lastSealedFull = true;
        return batch;
    }

    private List<PendingRecord> sealOpen() {
        lastSealedFull = false;
        Lingering sealed = open;
        open = null;
        if (sealed.timer != null) {
            sealed.timer.cancel(false);
        }
        return sealed.builder.build();
    }

    /** The batch being filled, and its linger timer. */
    static final class Lingering {
        final BatchBuilder builder;
        ScheduledFuture<?> timer;
        boolean lingerPassed;
        boolean lingeredTwice;
        boolean filledDuringCalls;
        /** Whether the batch before it was sealed full. */
        final boolean followsFull;

        Lingering(BatchBuilder builder, boolean followsFull) {
            this.builder = builder;
            this.followsFull = followsFull;
        }

        /** A batch held for a second linger has waited out its first one already. */
        boolean goesWhenIdle() {
            return !filledDuringCalls || lingeredTwice;
        }
    }
}
