package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitTests {

    private final AtomicLong now = new AtomicLong();
    private final ConcurrencyLimit limit = new ConcurrencyLimit("events", 16, now::get);

    @Test
    void throttlingHalvesTheLimitOncePerRoundOfCalls() {
        limit.throttled();
        limit.throttled();
        assertThat(limit.current()).isEqualTo(8);

        now.addAndGet(Duration.ofMillis(201).toNanos());
        limit.throttled();
        assertThat(limit.current()).isEqualTo(4);
    }

    @Test
    void aLimitsWorthOfCleanCallsAllowsOneMore() {
        limit.throttled();
        for (int i = 0; i < 7; i++) {
            limit.unthrottled();
        }
        assertThat(limit.current()).isEqualTo(8);

        limit.unthrottled();
        assertThat(limit.current()).isEqualTo(9);
    }

    @Test
    void neverGoesBelowOneNorAboveTheMaximum() {
        for (int i = 0; i < 10; i++) {
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            limit.throttled();
        }
        assertThat(limit.current()).isEqualTo(1);

        for (int i = 0; i < 1000; i++) {
            limit.unthrottled();
        }
        assertThat(limit.current()).isEqualTo(16);
    }
}
