package io.firehosegateway.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * How each stream's recent calls went. Down while a stream's calls keep failing or its configuration
 * is wrong; not part of readiness, since a slow or failing destination is every replica's problem.
 */
final class DeliveryHealthIndicator implements HealthIndicator {

    /** Whole-call failures in a row after which a stream counts as down. */
    static final int FAILURES_FOR_DOWN = 5;

    private final Pipeline pipeline;

    DeliveryHealthIndicator(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public Health health() {
        boolean down = false;
        Map<String, Object> streams = new LinkedHashMap<>();
        for (Map.Entry<String, DeliveryStatus> entry : pipeline.status().entrySet()) {
            DeliveryStatus status = entry.getValue();
            down |= status.misconfigured() || status.consecutiveFailures() >= FAILURES_FOR_DOWN;
            streams.put(entry.getKey(), status);
        }
        return (down ? Health.down() : Health.up()).withDetails(streams).build();
    }
}
