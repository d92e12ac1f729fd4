package io.firehosegateway.pipeline;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Part of readiness: out of service while the buffer is nearly full, so a load balancer sends new
 * traffic to other replicas. It says nothing of the destination being slow: that would take every
 * replica out at once.
 */
final class BufferHealthIndicator implements HealthIndicator {

    /** Above this fullness the replica asks for no more traffic. */
    static final double HIGH_WATER = 0.9;

    private final BufferBudget budget;

    BufferHealthIndicator(BufferBudget budget) {
        this.budget = budget;
    }

    @Override
    public Health health() {
        double fullness = budget.fullness();
        Health.Builder builder = fullness >= HIGH_WATER ? Health.status(Status.OUT_OF_SERVICE) : Health.up();
        return builder.withDetail("records", budget.records())
                .withDetail("bytes", budget.bytes())
                .withDetail("fullness", Math.round(fullness * 1000) / 1000.0)
                .build();
    }
}
