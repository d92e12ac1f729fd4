package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.sink.aws.AwsProperties;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The DynamoDB store's client is built at the first request with a key, and a failure to is the store's. */
class DynamoDbIdempotencyStoreTests {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void aClientThatCannotBeBuiltFailsEachClaimWithAStoreExceptionAndIsTriedAgain() {
        AtomicInteger builds = new AtomicInteger();
        try (DynamoDbIdempotencyStore store = new DynamoDbIdempotencyStore(
                () -> {
                    builds.incrementAndGet();
                    throw SdkClientException.create("Unable to load region from any of the providers in the chain");
                },
                "idempotency",
                Duration.ofMinutes(1),
                Clock.systemUTC())) {
            assertThat(store.size()).isZero();
            assertThat(builds).hasValue(0);

            assertThatThrownBy(() -> store.claim("shop\nk-1", NOW))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessageContaining("idempotency");
            assertThatThrownBy(() -> store.claim("shop\nk-1", NOW)).isInstanceOf(IdempotencyStoreException.class);
            assertThat(builds).hasValue(2);
        }
    }

    @Test
    void aClaimLeaseNotLongerThanTheDeliveryTimeoutFailsTheStartRatherThanLetARetryRunTwice() {
        IdempotencyProperties settings = new IdempotencyProperties(
                Duration.ofHours(24),
                255,
                Set.of(),
                IdempotencyProperties.StoreKind.DYNAMODB,
                Path.of("idempotency"),
                10,
                "idempotency",
                null,
                Duration.ofSeconds(10));
        AwsProperties aws = new AwsProperties("us-east-1", Duration.ofSeconds(5), Duration.ofSeconds(10), 1);
        // Never opened: the DynamoDB store does not use the embedded file.
        EmbeddedFile file = new EmbeddedFile(Path.of("idempotency"));

        assertThatThrownBy(() -> new IdempotencyConfiguration()
                        .idempotencyStore(settings, file, aws, Clock.systemUTC(), Duration.ofSeconds(10)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gateway.idempotency.claim-lease");
        try (IdempotencyStore store = new IdempotencyConfiguration()
                .idempotencyStore(settings, file, aws, Clock.systemUTC(), Duration.ofSeconds(9))) {
            assertThat(store).isInstanceOf(DynamoDbIdempotencyStore.class);
        }
    }
}
