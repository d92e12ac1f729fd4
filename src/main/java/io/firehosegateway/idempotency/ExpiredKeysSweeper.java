package io.firehosegateway.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops expired entries (kept answers, taken event ids) from a store in small batches on a thread of
 * its own, so no request waits for a sweep. Until it runs, an expired entry is already ignored by a
 * claim.
 */
final class ExpiredKeysSweeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ExpiredKeysSweeper.class);

    /** Entries dropped in one step: short enough that the store's writers barely notice it. */
    static final int BATCH = 1_000;

    private static final Duration MOST_SELDOM = Duration.ofMinutes(1);

    private final ExpiringStore store;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    ExpiredKeysSweeper(ExpiringStore store, Clock clock, Duration lifetime) {
        this.store = store;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "idempotency-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(1, Math.min(lifetime.toMillis(), MOST_SELDOM.toMillis()));
        timer.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** Drops every entry expired by now, a batch at a time; how many it dropped. */
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
            log.warn(
                    "Could not drop expired entries from {}; trying again later",
                    store.getClass().getSimpleName(),
                    e);
        }
        return dropped;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
