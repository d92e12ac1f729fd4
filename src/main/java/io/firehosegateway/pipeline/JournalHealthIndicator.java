package io.firehosegateway.pipeline;

import io.firehosegateway.journal.Journal;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Part of readiness in the journaled mode: out of service while the journal is nearly full, so a
 * load balancer sends traffic to replicas that can still take it.
 */
final class JournalHealthIndicator implements HealthIndicator {

    private final Journal journal;

    JournalHealthIndicator(Journal journal) {
        this.journal = journal;
    }

    @Override
    public Health health() {
        double fullness = (double) journal.bytes() / journal.maxBytes();
        Health.Builder builder =
                fullness >= BufferHealthIndicator.HIGH_WATER ? Health.status(Status.OUT_OF_SERVICE) : Health.up();
        builder.withDetail("bytes", journal.bytes())
                .withDetail("maxBytes", journal.maxBytes())
                .withDetail("pendingEntries", journal.pendingEntries());
        journal.oldestPendingMillis()
                .ifPresent(oldest -> builder.withDetail("oldestPending", java.time.Instant.ofEpochMilli(oldest)));
        return builder.build();
    }
}
