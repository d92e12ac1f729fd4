package io.firehosegateway.idempotency;

import static io.firehosegateway.idempotency.EventIdStore.IdState.CLAIMED;
import static io.firehosegateway.idempotency.EventIdStore.IdState.HELD;
import static io.firehosegateway.idempotency.EventIdStore.IdState.TAKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.support.MotoServer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The event-id store's contract held by DynamoDB (moto's, over HTTP), and what a store shared by
 * replicas must do besides: one replica's claim holds an id for the others, and only its owner
 * keeps or releases it.
 */
class DynamoDbEventIdStoreIntegrationTests extends EventIdStoreContract {

    private static final Instant LEASE = NOW.plus(Duration.ofMinutes(5));

    private String table;

    @Override
    EventIdStore newStore() {
        table = DynamoDbTables.create(MotoServer.endpoint());
        return replica();
    }

    private DynamoDbEventIdStore replica() {
        return new DynamoDbEventIdStore(() -> DynamoDbTables.client(MotoServer.endpoint()), table);
    }

    @Test
    void anIdOneReplicaClaimedIsHeldForAnotherAndOnlyItsOwnerKeepsOrReleasesIt() {
        assertThat(store().claim("events", List.of("a", "b"), NOW, LEASE)).containsExactly(CLAIMED, CLAIMED);
        try (DynamoDbEventIdStore other = replica()) {
            assertThat(other.claim("events", List.of("a", "b", "c"), NOW, LEASE))
                    .containsExactly(HELD, HELD, CLAIMED);

            other.release("events", List.of("a"));
            other.keep("events", List.of("b"), NOW.plus(Duration.ofMinutes(10)));
            assertThat(other.claim("events", List.of("a", "b"), NOW, LEASE)).containsExactly(HELD, HELD);

            store().keep("events", List.of("a", "b"), NOW.plus(Duration.ofMinutes(10)));
            assertThat(other.claim("events", List.of("a", "b"), NOW, LEASE)).containsExactly(TAKEN, TAKEN);
        }
    }

    @Test
    void throttlingIsAStoreFailure() throws IOException {
        try (DynamoDbFaults throttling = DynamoDbFaults.start();
                DynamoDbEventIdStore throttled =
                        new DynamoDbEventIdStore(() -> DynamoDbTables.client(throttling.endpoint()), "ids")) {
            assertThatThrownBy(() -> throttled.claim("events", List.of("a", "b"), NOW, LEASE))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessageContaining("ProvisionedThroughputExceededException");
        }
    }
}
