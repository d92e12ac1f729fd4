package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryEventIdStoreTests extends EventIdStoreContract {

    @Override
    EventIdStore newStore() {
        return new InMemoryEventIdStore();
    }

    @Test
    void dropsTheExpiredIdsAtMostAsManyAsAsked() {
        store().claim("events", List.of("a", "b", "c"), NOW, NOW.plus(Duration.ofMinutes(5)));
        store().keep("events", List.of("a", "b"), NOW.plus(Duration.ofMinutes(1)));
        store().keep("events", List.of("c"), NOW.plus(Duration.ofMinutes(10)));

        assertThat(store().dropExpired(NOW.plus(Duration.ofMinutes(2)), 1)).isEqualTo(1);
        assertThat(store().dropExpired(NOW.plus(Duration.ofMinutes(2)), 10)).isEqualTo(1);
        assertThat(store().dropExpired(NOW.plus(Duration.ofMinutes(2)), 10)).isZero();
    }
}
