package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
}
