package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.support.MotoServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The store's contract held by DynamoDB (moto's, over HTTP), and what only a store shared by
 * replicas must do: a claim's lease, claims that race across replicas, and faults.
 */
class DynamoDbIdempotencyStoreIntegrationTests extends IdempotencyStoreContract {

    private static final Duration LEASE = Duration.ofSeconds(30);

    private String table;

    @Override
    IdempotencyStore openStore() {
        table = DynamoDbTables.create(MotoServer.endpoint());
        return replica();
    }

    /** Another gateway on the same table. */
    private DynamoDbIdempotencyStore replica() {
        return new DynamoDbIdempotencyStore(
                () -> DynamoDbTables.client(MotoServer.endpoint()), table, LEASE, Clock.systemUTC());
    }

    @Test
    void aClaimOfAReplicaThatDiedHoldsTheKeyUntilItsLeaseEnds() {
        assertThat(store.claim("shop\nk-1", NOW)).isInstanceOf(IdempotencyStore.Granted.class);
        try (DynamoDbIdempotencyStore other = replica()) {
            assertThat(other.claim("shop\nk-1", NOW.plus(LEASE).minusMillis(1)))
                    .isInstanceOf(IdempotencyStore.Running.class);
            assertThat(other.claim("shop\nk-1", NOW.plus(LEASE))).isInstanceOf(IdempotencyStore.Granted.class);

            // The first replica's request comes back after all: the key is no longer its own.
            assertThatThrownBy(() -> store.keep("shop\nk-1", kept(200, "late", NOW.plusSeconds(60))))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessageContaining(table);
            other.keep("shop\nk-1", kept(200, "taken over", NOW.plusSeconds(90)));
        }
        IdempotencyStore.Claimed claimed = store.claim("shop\nk-1", NOW.plusSeconds(60));
        assertThat(new String(((IdempotencyStore.Found) claimed).kept().answer().body(), StandardCharsets.UTF_8))
                .isEqualTo("taken over");
    }

    @Test
    void aReleaseLetsGoOnlyOfItsOwnClaim() {
        store.claim("shop\nk-1", NOW);
        try (DynamoDbIdempotencyStore other = replica();
                DynamoDbIdempotencyStore third = replica()) {
            assertThat(other.claim("shop\nk-1", NOW.plus(LEASE))).isInstanceOf(IdempotencyStore.Granted.class);
            store.release("shop\nk-1");

            assertThat(third.claim("shop\nk-1", NOW.plus(LEASE))).isInstanceOf(IdempotencyStore.Running.class);
            other.release("shop\nk-1");
            assertThat(third.claim("shop\nk-1", NOW.plus(LEASE))).isInstanceOf(IdempotencyStore.Granted.class);
        }
    }

    @Test
    void ofClaimsOfOneKeyByManyReplicasAtOnceOnlyOneIsGranted() throws Exception {
        int replicas = 6;
        DynamoDbIdempotencyStore[] stores = new DynamoDbIdempotencyStore[replicas];
        for (int i = 0; i < replicas; i++) {
            stores[i] = replica();
        }
        try {
            List<CompletableFuture<IdempotencyStore.Claimed>> claims = new ArrayList<>();
            for (DynamoDbIdempotencyStore replica : stores) {
                claims.add(CompletableFuture.supplyAsync(() -> replica.claim("shop\nraced", NOW)));
            }
            List<Object> outcomes = claims.stream()
                    .map(CompletableFuture::join)
                    .map(Object::getClass)
                    .map(Object.class::cast)
                    .toList();

            assertThat(outcomes).containsOnlyOnce(IdempotencyStore.Granted.class);
            assertThat(outcomes)
                    .filteredOn(IdempotencyStore.Running.class::equals)
                    .hasSize(replicas - 1);
        } finally {
            for (DynamoDbIdempotencyStore replica : stores) {
                replica.close();
            }
        }
    }

    /** DynamoDB's TTL deletes items by a number of whole seconds: never before the answer expires. */
    @Test
    void anItemCarriesItsExpiryInWholeSecondsForDynamoDbsTtl() {
        Instant expires = NOW.plusMillis(10_250);
        store.claim("shop\nk-1", NOW);
        store.keep("shop\nk-1", kept(200, "kept", expires));

        try (DynamoDbAsyncClient client = DynamoDbTables.client(MotoServer.endpoint())) {
            Map<String, AttributeValue> item = client.getItem(get -> get.tableName(table)
                            .key(Map.of(DynamoDbIdempotencyStore.KEY, AttributeValue.fromS("shop\nk-1"))))
                    .join()
                    .item();
            assertThat(item.get(DynamoDbIdempotencyStore.TTL).n()).isEqualTo(Long.toString(NOW.getEpochSecond() + 11));
        }
    }

    @Test
    void throttlingIsAStoreFailureAndTheKeyIsNotLeftClaimed() throws IOException {
        try (DynamoDbFaults throttling = DynamoDbFaults.start();
                DynamoDbIdempotencyStore throttled = new DynamoDbIdempotencyStore(
                        () -> DynamoDbTables.client(throttling.endpoint()), table, LEASE, Clock.systemUTC())) {
            assertThatThrownBy(() -> throttled.claim("shop\nk-1", NOW))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessageContaining("ProvisionedThroughputExceededException");
            // Nothing of the refused claim stays in memory either: the next claim asks again.
            assertThatThrownBy(() -> throttled.claim("shop\nk-1", NOW)).isInstanceOf(IdempotencyStoreException.class);
            assertThat(throttling.calls()).isEqualTo(2);
        }
    }

    @Test
    void anUnreachableTableIsAStoreFailure() throws IOException {
        URI nobody = URI.create("http://127.0.0.1:" + MotoServer.freePort());
        try (DynamoDbIdempotencyStore unreachable =
                new DynamoDbIdempotencyStore(() -> DynamoDbTables.client(nobody), table, LEASE, Clock.systemUTC())) {
            assertThatThrownBy(() -> unreachable.claim("shop\nk-1", NOW)).isInstanceOf(IdempotencyStoreException.class);
        }
    }
}
