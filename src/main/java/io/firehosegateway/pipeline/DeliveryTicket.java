package io.firehosegateway.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Tracks what becomes of each event of one request. The ticket is the one arbiter between the
 * dispatcher sending an event and the client's deadline passing: once {@link #expire()} marked a
 * waiting event failed, the dispatcher may no longer send it, so an event reported failed is never
 * delivered afterwards.
 */
public final class DeliveryTicket {

    private static final byte QUEUED = 0;
    private static final byte IN_FLIGHT = 1;
    private static final byte DELIVERED = 2;
    private static final byte FAILED = 3;

    private final String stream;
    private final byte[] states;
    private final boolean[] mayHaveLanded;
    private final CompletableFuture<DeliveryTicket> done = new CompletableFuture<>();
    private int unresolved;
    private int deliveredCount;
    private int failedCount;
    private FailureReason failureReason;
    private boolean deadLetterNotWritten;

    DeliveryTicket(String stream, int events) {
        this.stream = stream;
        this.states = new byte[events];
        this.mayHaveLanded = new boolean[events];
        this.unresolved = events;
        if (events == 0) {
            done.complete(this);
        }
    }

    /** The stream the events go to. */
    public String stream() {
        return stream;
    }

    /** Number of events of the request. */
    public int size() {
        return states.length;
    }

    /** Completes when every event was delivered or given up on. */
    public CompletableFuture<DeliveryTicket> done() {
        return done;
    }

    /** Events delivered so far. */
    public synchronized int deliveredCount() {
        return deliveredCount;
    }

    /** Events given up on so far. */
    public synchronized int failedCount() {
        return failedCount;
    }

    /**
     * Waits until every event is resolved or {@code timeoutNanos} passed, then reports; events still
     * waiting at the deadline are failed for good (see {@link #expire()}).
     */
    public DeliveryReport await(long timeoutNanos) throws InterruptedException {
        try {
            done.get(Math.max(timeoutNanos, 0), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            expire();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a ticket never completes exceptionally", e);
        }
        return report();
    }

    /** Fails every event still waiting to be sent; events in flight stay unknown until their call ends. */
    void expire() {
        boolean completed = false;
        synchronized (this) {
            for (int i = 0; i < states.length; i++) {
                if (states[i] == QUEUED) {
                    completed |= resolve(i, FAILED, FailureReason.DEADLINE);
                }
            }
        }
        if (completed) {
            done.complete(this);
        }
    }

    /** What became of each event, as far as known now. */
    public synchronized DeliveryReport report() {
        List<Integer> delivered = new ArrayList<>(deliveredCount);
        List<Integer> failed = new ArrayList<>();
        List<Integer> unknown = new ArrayList<>();
        for (int i = 0; i < states.length; i++) {
            switch (states[i]) {
                case DELIVERED -> delivered.add(i);
                case IN_FLIGHT -> unknown.add(i);
                default -> (mayHaveLanded[i] ? unknown : failed).add(i);
            }
        }
        return new DeliveryReport(delivered, failed, unknown, failureReason);
    }

    /**
     * Whether every event given up on without a client to tell was written to the dead letters: if
     * not, its journal entry must stay.
     */
    public synchronized boolean deadLettersWritten() {
        return !deadLetterNotWritten;
    }

    /** An event given up on could not be written to the dead letters. */
    synchronized void deadLetterNotWritten() {
        deadLetterNotWritten = true;
    }

    /** Claims an event for sending; false once its deadline failed it. */
    synchronized boolean tryMarkInFlight(int index) {
        if (states[index] != QUEUED) {
            return false;
        }
        states[index] = IN_FLIGHT;
        return true;
    }

    /** The event goes back to waiting; {@code mayHaveLanded} when the last call's outcome is unknown. */
    synchronized void markQueued(int index, boolean mayHaveLanded) {
        if (states[index] == IN_FLIGHT) {
            states[index] = QUEUED;
        }
        this.mayHaveLanded[index] |= mayHaveLanded;
    }

    void markDelivered(int index) {
        boolean completed;
        synchronized (this) {
            completed = resolve(index, DELIVERED, null);
        }
        if (completed) {
            done.complete(this);
        }
    }

    /** The event is given up on; {@code mayHaveLanded} when a call of it got no answer, so it is reported unknown. */
    void markFailed(int index, FailureReason reason, boolean mayHaveLanded) {
        boolean completed;
        synchronized (this) {
            this.mayHaveLanded[index] |= mayHaveLanded;
            completed = resolve(index, FAILED, reason);
        }
        if (completed) {
            done.complete(this);
        }
    }

    /** Resolves one event; true when it was the last, so the caller completes {@link #done} outside the lock. */
    private boolean resolve(int index, byte state, FailureReason reason) {
        if (states[index] == DELIVERED || states[index] == FAILED) {
            return false;
        }
        states[index] = state;
        if (state == DELIVERED) {
            deliveredCount++;
        } else {
            failedCount++;
            if (failureReason == null) {
                failureReason = reason;
            }
        }
        return --unresolved == 0;
    }
}
