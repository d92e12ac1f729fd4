package io.firehosegateway.idempotency;

import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request's hold on its key: either the answer kept for the key ({@link #replay()}), or the right
 * to run. A request that runs either {@link #keep}s its answer or, when it ends without one worth
 * giving again, is {@link #release}d, so the same key runs again.
 */
public final class Claim {

    private static final Logger log = LoggerFactory.getLogger(Claim.class);

    private final IdempotencyStore store;
    private final Timer keeps;
    private final String key;
    private final byte[] fingerprint;
    private final Clock clock;
    private final Duration ttl;
    private final KeptAnswer replay;
    private boolean open;

    Claim(IdempotencyStore store, Timer keeps, String key, byte[] fingerprint, Clock clock, Duration ttl) {
        this.store = store;
        this.keeps = keeps;
        this.key = key;
        this.fingerprint = fingerprint;
        this.clock = clock;
        this.ttl = ttl;
        this.replay = null;
        this.open = true;
    }

    private Claim(KeptAnswer replay) {
        this.store = null;
        this.keeps = null;
        this.key = null;
        this.fingerprint = null;
        this.clock = null;
        this.ttl = null;
        this.replay = replay;
        this.open = false;
    }

    static Claim replay(KeptAnswer answer) {
        return new Claim(answer);
    }

    /** The answer kept for the key, to give again; {@code null} when this request runs. */
    public KeptAnswer replay() {
        return replay;
    }

    /**
     * Keeps the answer of the request that ran, when it is final: a success. Any other answer lets
     * the key go, so a retry runs again.
     *
     * <p>The events are taken by then: when the store fails to keep the answer, the answer is still
     * given, and the failure logged; a retry with the key would then run again.
     */
    public void keep(KeptAnswer answer) {
        if (!open) {
            return;
        }
        open = false;
        if (answer.status() < 200 || answer.status() >= 300) {
            store.release(key);
            return;
        }
        try {
            IdempotencyStore.Kept kept =
                    new IdempotencyStore.Kept(fingerprint, clock.instant().plus(ttl), answer);
            keeps.record(() -> store.keep(key, kept));
        } catch (IdempotencyStoreException e) {
            log.error(
                    "The answer to a request with an idempotency key was given but could not be kept;"
                            + " a retry with the key will run again",
                    e);
        }
    }

    /** Lets the key go unless its answer was kept: the request ended without an answer to give again. */
    public void release() {
        if (open) {
            open = false;
            store.release(key);
        }
    }
}
