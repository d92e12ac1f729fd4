package io.firehosegateway.idempotency;

import io.firehosegateway.event.KnownStreams;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.sink.aws.AwsClientCustomizer;
import io.firehosegateway.sink.aws.AwsProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The idempotency keys and their store, as {@code gateway.idempotency.store} chooses it. The
 * DynamoDB client is built here, with what every AWS client of the gateway shares ({@link
 * AwsClientCustomizer}).
 */
@Configuration(proxyBeanMethods = false)
class IdempotencyConfiguration {

    /**
     * Calls to DynamoDB at once: one per request with a key that is being claimed or kept, each a
     * few milliseconds; beyond it a call waits for a connection, at most {@code
     * gateway.aws.connection-acquisition-timeout}.
     */
    static final int DYNAMODB_CONNECTIONS = 64;

    @Bean(destroyMethod = "close")
    EmbeddedFile embeddedFile(IdempotencyProperties settings) {
        return new EmbeddedFile(settings.directory());
    }

    @Bean(destroyMethod = "close")
    IdempotencyStore idempotencyStore(
            IdempotencyProperties settings,
            EmbeddedFile file,
            AwsProperties aws,
            Clock clock,
            @Value("${gateway.delivery.timeout:10s}") Duration deliveryTimeout) {
        return switch (settings.store()) {
            case EMBEDDED -> new EmbeddedIdempotencyStore(file);
            case DYNAMODB -> {
                if (settings.claimLease().compareTo(deliveryTimeout) <= 0) {
                    throw new IllegalStateException("gateway.idempotency.claim-lease (" + settings.claimLease()
                            + ") must be longer than gateway.delivery.timeout (" + deliveryTimeout
                            + "), or a request still running would lose its key to a retry on another replica");
                }
                yield new DynamoDbIdempotencyStore(
                        dynamoDb(settings, aws), settings.table(), settings.claimLease(), clock);
            }
        };
    }

    @Bean(destroyMethod = "close")
    ExpiredKeysSweeper expiredKeysSweeper(IdempotencyStore store, IdempotencyProperties settings, Clock clock) {
        return new ExpiredKeysSweeper(store, clock, settings.ttl());
    }

    /** The event ids where the keys are: a stream's promise is the same with either store. */
    @Bean(destroyMethod = "close")
    EventIdStore eventIdStore(IdempotencyProperties settings, EmbeddedFile file, AwsProperties aws) {
        return switch (settings.store()) {
            case EMBEDDED -> new EmbeddedEventIdStore(file);
            case DYNAMODB -> new DynamoDbEventIdStore(dynamoDb(settings, aws), settings.table());
        };
    }

    /** Builds a DynamoDB client as every AWS client of the gateway is built, when first asked to. */
    private static Supplier<DynamoDbAsyncClient> dynamoDb(IdempotencyProperties settings, AwsProperties aws) {
        return () -> new AwsClientCustomizer(aws)
                .customize(DynamoDbAsyncClient.builder(), DYNAMODB_CONNECTIONS, settings.endpoint())
                .build();
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
