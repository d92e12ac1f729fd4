package io.firehosegateway.idempotency;

import static io.firehosegateway.idempotency.EventIdStore.IdState.CLAIMED;
import static io.firehosegateway.idempotency.EventIdStore.IdState.HELD;
import static io.firehosegateway.idempotency.EventIdStore.IdState.TAKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EventIdStore} promises, whatever holds the ids: a store's tests extend this with
 * the store to check.
 */
abstract class EventIdStoreContract {

    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final Instant LEASE = NOW.plus(Duration.ofMinutes(5));

    private EventIdStore store;

    /** A new, empty store. */
    abstract EventIdStore newStore();

    final EventIdStore store() {
        if (store == null) {
            store = newStore();
        }
        return store;
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void aFreeIdIsClaimedAndThenHeldUntilItsClaimEnds() {
        assertThat(store().claim("events", List.of("a", "b"), NOW, LEASE)).containsExactly(CLAIMED, CLAIMED);

        assertThat(store().claim("events", List.of("b", "c"), NOW, LEASE)).containsExactly(HELD, CLAIMED);
    }

    @Test
    void aKeptIdIsTakenUntilItExpires() {
        store().claim("events", List.of("a"), NOW, LEASE);
        store().keep("events", List.of("a"), NOW.plus(Duration.ofMinutes(10)));

        assertThat(store().claim("events", List.of("a"), NOW.plus(Duration.ofMinutes(9)), LEASE))
                .containsExactly(TAKEN);
        assertThat(store().claim("events", List.of("a"), NOW.plus(Duration.ofMinutes(10)), LEASE))
                .containsExactly(CLAIMED);
    }

    @Test
    void aReleasedIdIsFreeAndATakenOneStaysTaken() {
        store().claim("events", List.of("a", "b"), NOW, LEASE);
        store().keep("events", List.of("a"), NOW.plus(Duration.ofMinutes(10)));
        store().release("events", List.of("a", "b"));

        assertThat(store().claim("events", List.of("a", "b"), NOW, LEASE)).containsExactly(TAKEN, CLAIMED);
    }

    @Test
    void aClaimWhoseLeaseEndedHoldsNothing() {
        store().claim("events", List.of("a"), NOW, NOW.plus(Duration.ofMinutes(1)));

        assertThat(store().claim("events", List.of("a"), NOW.plus(Duration.ofSeconds(59)), LEASE))
                .containsExactly(HELD);
        assertThat(store().claim("events", List.of("a"), NOW.plus(Duration.ofMinutes(1)), LEASE))
                .containsExactly(CLAIMED);
    }

    @Test
    void eachStreamHasItsOwnIds() {
        store().claim("events", List.of("a"), NOW, LEASE);
        store().keep("events", List.of("a"), NOW.plus(Duration.ofMinutes(10)));

        assertThat(store().claim("clicks", List.of("a"), NOW, LEASE)).containsExactly(CLAIMED);
    }

    @Test
    void droppingExpiredIdsLeavesTheOthersTaken() {
        store().claim("events", List.of("a", "b"), NOW, LEASE);
        store().keep("events", List.of("a"), NOW.plus(Duration.ofMinutes(1)));
        store().keep("events", List.of("b"), NOW.plus(Duration.ofMinutes(10)));

        assertThat(store().dropExpired(NOW.plus(Duration.ofMinutes(2)), 100)).isLessThanOrEqualTo(1);

        assertThat(store().claim("events", List.of("a", "b"), NOW.plus(Duration.ofMinutes(2)), LEASE))
                .containsExactly(CLAIMED, TAKEN);
    }
}
