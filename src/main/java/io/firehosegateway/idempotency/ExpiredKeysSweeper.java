package io.firehosegateway.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops expired answers from the store in small batches on a thread of its own, so no request waits
 * for a sweep. Until it runs, an expired answer is already ignored by a claim.
 */
final class ExpiredKeysSweeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ExpiredKeysSweeper.class);

    /** Answers dropped in one step: short enough that the store's writers barely notice it. */
    static final int BATCH = 1_000;

    private static final Duration MOST_SELDOM = Duration.ofMinutes(1);

    private final IdempotencyStore store;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    ExpiredKeysSweeper(IdempotencyStore store, Clock clock, Duration ttl) {
        this.store = store;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "idempotency-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(1, Math.min(ttl.toMillis(), MOST_SELDOM.toMillis()));
        timer.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** Drops every answer expired by now, a batch at a time; how many it dropped. */
    long sweep() {
        long dropped = 0;
        try {
            int step;
            do {
                step = store.dropExpired(clock.instant(), BATCH);
                dropped += step;
                Thread.yield();
            } while (step == BATCH);
        } catch (IdempotencyStoreException e) {
            log.warn("Could not drop expired idempotency keys; trying again later", e);
        }
        return dropped;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
