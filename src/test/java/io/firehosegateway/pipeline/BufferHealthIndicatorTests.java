package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

class BufferHealthIndicatorTests {

    private final BufferBudget budget = new BufferBudget(100, 1_000_000);
    private final BufferHealthIndicator indicator = new BufferHealthIndicator(budget);

    @Test
    void readyWhileTheBufferHasRoom() {
        budget.tryAcquire(89, 1000, 1.0);

        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void outOfServiceWhenNearlyFullSoTrafficGoesElsewhere() {
        budget.tryAcquire(90, 1000, 1.0);

        assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(indicator.health().getDetails()).containsEntry("records", 90L);
    }

    @Test
    void readyAgainOnceDeliveryFreesRoom() {
        budget.tryAcquire(95, 1000, 1.0);
        budget.release(50, 500);

        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
    }
}
