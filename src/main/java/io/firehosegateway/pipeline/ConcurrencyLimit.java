package io.firehosegateway.pipeline;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls a stream may have in flight now: halved when the sink throttles, at most once per
 * round of calls, and raised by one after a limit's worth of calls that went through unthrottled.
 * Thread-safe: completions report to it, the dispatcher and the gauge read it.
 */
final class ConcurrencyLimit {

    private static final Logger log = LoggerFactory.getLogger(ConcurrencyLimit.class);

    /** Throttling answers to calls sent before a decrease must not halve the limit again. */
    private static final long DECREASE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String stream;
    private final int max;
    private final NanoClock clock;
    private int limit;
    private int cleanCallsSinceChange;
    private long lastDecreaseNanos;
    private boolean decreased;

    ConcurrencyLimit(String stream, int max, NanoClock clock) {
        this.stream = stream;
        this.max = max;
        this.limit = max;
        this.clock = clock;
    }

    synchronized int current() {
        return limit;
    }

    /** The sink throttled: halve the calls in flight, unless a call's throttling already did lately. */
    synchronized void throttled() {
        long now = clock.nanoTime();
        if ((!decreased || now - lastDecreaseNanos > DECREASE_INTERVAL_NANOS) && limit > 1) {
            limit = Math.max(1, limit / 2);
            lastDecreaseNanos = now;
            decreased = true;
            log.info("Stream {}: throttled by the destination; calls in flight now at most {}", stream, limit);
        }
        cleanCallsSinceChange = 0;
    }

    /** A call went through unthrottled: after a limit's worth of them, allow one more in flight. */
    synchronized void unthrottled() {
        if (limit < max && ++cleanCallsSinceChange >= limit) {
            limit++;
            cleanCallsSinceChange = 0;
        }
    }
}
