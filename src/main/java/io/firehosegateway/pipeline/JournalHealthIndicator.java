package io.firehosegateway.pipeline;

import io.firehosegateway.journal.Journal;
import io.firehosegateway.journal.JournalStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * Part of readiness in the journaled mode: out of service while the journal is nearly full, or for
 * a few seconds after a write to it failed (a full disk), so a load balancer sends traffic to
 * replicas that can still take it; after those seconds the replica is tried again. Its details also
 * say what the journal found damaged at start (which does not take the replica out: it works on)
 * and how many deliveries it could not yet record on disk.
 */
final class JournalHealthIndicator implements HealthIndicator {

    /** How long a failed write keeps the replica out of readiness before it is tried again. */
    static final Duration WRITE_FAILURE_HOLD = Duration.ofSeconds(5);

    private final Journal journal;
    private final Clock clock;

    JournalHealthIndicator(Journal journal, Clock clock) {
        this.journal = journal;
        this.clock = clock;
    }

    @Override
    public Health health() {
        JournalStats stats = journal.stats();
        double fullness = (double) stats.bytes() / stats.maxBytes();
        OptionalLong failedAt = stats.lastWriteFailureMillis();
        boolean failingNow = stats.writeFailing()
                && failedAt.isPresent()
                && clock.millis() - failedAt.getAsLong() < WRITE_FAILURE_HOLD.toMillis();
        Health.Builder builder = fullness >= BufferHealthIndicator.HIGH_WATER || failingNow
                ? Health.status(Status.OUT_OF_SERVICE)
                : Health.up();
        builder.withDetail("bytes", stats.bytes())
                .withDetail("maxBytes", stats.maxBytes())
                .withDetail("pendingEntries", stats.pendingEntries())
                .withDetail("damagedSegments", stats.damagedSegments())
                .withDetail("lostEntries", stats.lostEntries())
                .withDetail("unrecordedDeliveries", stats.unrecordedDeliveries());
        builder.withDetail("writeFailing", stats.writeFailing());
        failedAt.ifPresent(at -> builder.withDetail("lastWriteFailure", Instant.ofEpochMilli(at)));
        stats.oldestPendingMillis()
                .ifPresent(oldest -> builder.withDetail("oldestPending", Instant.ofEpochMilli(oldest)));
        return builder.build();
    }
}
