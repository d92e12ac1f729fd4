package io.firehosegateway.pipeline;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter: attempt n waits a random time up to min(max, initial·2ⁿ⁻¹). */
record Backoff(Duration initial, Duration max) {

    /** How long to wait before attempt {@code attempt + 1}, after {@code attempt} attempts failed. */
    long delayNanos(int attempt) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 30);
        long ceiling = Math.min(max.toNanos(), initial.toNanos() << doublings);
        if (ceiling <= 0) {
            return max.toNanos();
        }
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }
}
