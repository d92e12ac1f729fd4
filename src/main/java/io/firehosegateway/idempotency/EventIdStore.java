package io.firehosegateway.idempotency;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Where the event ids that deduplicating streams took live, per stream. A request claims its
 * events' ids before it hands them on, so two requests carrying one id never both send it; once
 * the mode's promise is kept for an event, its id is kept as taken until the end of the stream's
 * window, and the ids not kept are released, so a retry sends their events.
 *
 * <p>A claim holds an id only until its lease expires: a gateway that crashes while holding ids
 * never holds them forever. Every method may throw {@link IdempotencyStoreException} when the store
 * cannot answer: the request is then refused, never run without the store.
 */
interface EventIdStore extends ExpiringStore {

    /**
     * Claims {@code ids} (distinct) on {@code stream} and answers, in their order, what each one
     * was: {@link IdState#TAKEN} when the stream took it and it expires after {@code now}; {@link
     * IdState#HELD} when another claim holds it and its lease ends after {@code now}; otherwise
     * {@link IdState#CLAIMED}, and from now on it is held by this caller until {@code leaseExpires}.
     * Atomic per id: two claims of one id never both get {@code CLAIMED} while its lease runs. Ids
     * taken or held are left as they were.
     */
    List<IdState> claim(String stream, List<String> ids, Instant now, Instant leaseExpires);

    /**
     * Keeps {@code ids}, which this caller claimed, as taken on {@code stream} until {@code
     * expires}, which ends their claim. When it returns they are as durable as the store promises:
     * after a kill of the process, for a store on disk.
     */
    void keep(String stream, Collection<String> ids, Instant expires);

    /**
     * Ends the claim on {@code ids} without taking them: the next claim of one gets it. An id that
     * is taken stays taken.
     */
    void release(String stream, Collection<String> ids);

    /**
     * Drops at most {@code max} ids, taken or held, that expired before {@code now}; how many it
     * dropped. A store that expires entries by itself may drop none: an expired id is answered as
     * free by {@link #claim} whether it was dropped or not.
     */
    @Override
    int dropExpired(Instant now, int max);

    @Override
    void close();

    /** What a claim found of one id. */
    enum IdState {
        /** The stream took the id within its window: its event is a duplicate. */
        TAKEN,
        /** A request still running holds the id: it may yet fail, so the id is neither taken nor free. */
        HELD,
        /** The id is this caller's, until its lease ends or it is kept or released. */
        CLAIMED
    }
}
