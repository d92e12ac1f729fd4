package io.firehosegateway.idempotency;

import java.time.Instant;

/**
 * Where the answers to requests with a key live. A key is claimed before its request runs, so two
 * requests with one key never both run; its answer is kept when the request ends with one worth
 * giving again, and the claim let go otherwise. Every method may throw {@link
 * IdempotencyStoreException} when the store cannot answer: the request is then refused, never run
 * without the store.
 */
interface IdempotencyStore extends ExpiringStore {

    /**
     * Claims {@code key} for a request, unless a request with it is running or its answer is kept
     * and has not expired at {@code now}.
     */
    Claimed claim(String key, Instant now);

    /** Keeps the answer of the request that claimed {@code key}, and lets the claim go. */
    void keep(String key, Kept kept);

    /** Lets the claim of a request go, keeping nothing: the same key runs again. */
    void release(String key);

    /** How many answers are kept, expired or not. */
    long size();

    /** Drops at most {@code max} answers that expired before {@code now}; how many it dropped. */
    int dropExpired(Instant now, int max);

    @Override
    void close();

    /** An answer as kept: the request's fingerprint, when it expires, and the answer. */
    record Kept(byte[] fingerprint, Instant expires, KeptAnswer answer) {}

    /** What a claim found. */
    sealed interface Claimed {}

    /** The key is the caller's: its request runs. */
    record Granted() implements Claimed {}

    /** Another request with the key is running. */
    record Running() implements Claimed {}

    /** A request with the key ended and its answer is kept. */
    record Found(Kept kept) implements Claimed {}
}
