package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTests {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

    @Test
    void fullJitterStaysWithinTheDoublingCeiling() {
        for (int attempt = 1; attempt <= 10; attempt++) {
            long ceiling = Math.min(
                    Duration.ofSeconds(2).toNanos(), Duration.ofMillis(100).toNanos() << (attempt - 1));
            for (int i = 0; i < 1000; i++) {
                assertThat(backoff.delayNanos(attempt)).isBetween(0L, ceiling);
            }
        }
    }

    @Test
    void neverOverflowsAfterManyAttempts() {
        for (int i = 0; i < 1000; i++) {
            assertThat(backoff.delayNanos(10_000))
                    .isBetween(0L, Duration.ofSeconds(2).toNanos());
        }
    }

    @Test
    void spreadsDelaysRatherThanRepeatingOne() {
        java.util.Set<Long> distinct = new java.util.HashSet<>();
        for (int i = 0; i < 100; i++) {
            distinct.add(backoff.delayNanos(5));
        }
        assertThat(distinct).hasSizeGreaterThan(50);
    }
}
