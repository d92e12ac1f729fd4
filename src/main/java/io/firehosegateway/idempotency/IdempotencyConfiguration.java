package io.firehosegateway.idempotency;

import io.firehosegateway.event.KnownStreams;
import io.firehosegateway.metrics.GatewayMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The idempotency keys and their store, as {@code gateway.idempotency.store} chooses it. */
@Configuration(proxyBeanMethods = false)
class IdempotencyConfiguration {

    @Bean(destroyMethod = "close")
    EmbeddedFile embeddedFile(IdempotencyProperties settings) {
        return new EmbeddedFile(settings.directory());
    }

    @Bean(destroyMethod = "close")
    IdempotencyStore idempotencyStore(IdempotencyProperties settings, EmbeddedFile file) {
        return switch (settings.store()) {
            case EMBEDDED -> new EmbeddedIdempotencyStore(file);
        };
    }

    @Bean(destroyMethod = "close")
    ExpiredKeysSweeper expiredKeysSweeper(IdempotencyStore store, IdempotencyProperties settings, Clock clock) {
        return new ExpiredKeysSweeper(store, clock, settings.ttl());
    }

    @Bean(destroyMethod = "close")
    EventIdStore eventIdStore(IdempotencyProperties settings, EmbeddedFile file) {
        return switch (settings.store()) {
            case EMBEDDED -> new EmbeddedEventIdStore(file);
        };
    }

    @Bean(destroyMethod = "close")
    ExpiredKeysSweeper expiredEventIdsSweeper(EventIdStore store, DeduplicationProperties settings, Clock clock) {
        return new ExpiredKeysSweeper(store, clock, shortestWindow(settings));
    }

    @Bean
    EventIdWindows eventIdWindows(
            DeduplicationProperties settings, EventIdStore store, GatewayMetrics metrics, Clock clock) {
        Map<String, Duration> windows = new HashMap<>();
        settings.streams().forEach((stream, deduplication) -> windows.put(stream, deduplication.deduplicateWindow()));
        return new EventIdWindows(windows, store, metrics, clock);
    }

    /** The shortest window of a stream that deduplicates, or a day when none does. */
    private static Duration shortestWindow(DeduplicationProperties settings) {
        return settings.streams().values().stream()
                .map(DeduplicationProperties.Stream::deduplicateWindow)
                .filter(window -> !window.isZero())
                .min(Duration::compareTo)
                .orElse(Duration.ofDays(1));
    }

    @Bean
    IdempotencyKeys idempotencyKeys(
            IdempotencyProperties settings,
            IdempotencyStore store,
            GatewayMetrics metrics,
            Clock clock,
            KnownStreams streams) {
        Set<String> unknown = new TreeSet<>(settings.requiredStreams());
        unknown.removeAll(streams.names());
        if (!unknown.isEmpty()) {
            throw new IllegalStateException(
                    "gateway.idempotency.required-streams names streams that are not configured: " + unknown);
        }
        return new IdempotencyKeys(settings, store, metrics, clock);
    }
}
