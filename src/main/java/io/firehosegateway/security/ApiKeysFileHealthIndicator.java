package io.firehosegateway.security;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Whether the keys in use are the keys file's: down while the file is stale, that is while a
 * version of it is refused (unreadable, too large, invalid, emptied) or its checks have stopped, since
 * a key revoked in the file then still works. Not part of readiness: the gateway serves on with the
 * keys it has. Shows neither the file's path nor a key.
 */
final class ApiKeysFileHealthIndicator implements HealthIndicator {

    private final ApiKeysFileWatcher watcher;

    ApiKeysFileHealthIndicator(ApiKeysFileWatcher watcher) {
        this.watcher = watcher;
    }

    @Override
    public Health health() {
        ApiKeysFileWatcher.Status status = watcher.status();
        Health.Builder builder = status.stale() ? Health.down() : Health.up();
        builder.withDetail("stale", status.stale())
                .withDetail("loadedAt", status.loadedAt())
                .withDetail("keys", status.keys())
                .withDetail("checkedAt", status.checkedAt());
        if (status.stale()) {
            builder.withDetail("problem", status.problem()).withDetail("staleSince", status.staleSince());
        }
        return builder.build();
    }
}
