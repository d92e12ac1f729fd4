package io.firehosegateway.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTests {

    @Test
    void idsAreVersion7WithTheRfc4122Variant() {
        UUID id = EventIds.timeOrdered();
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
    }

    @Test
    void idsCarryTheirMillisecondAndSortByIt() {
        UUID earlier = EventIds.timeOrdered(1_700_000_000_000L);
        UUID later = EventIds.timeOrdered(1_700_000_000_001L);

        assertThat(earlier.getMostSignificantBits() >>> 16).isEqualTo(1_700_000_000_000L);
        assertThat(earlier.toString()).isLessThan(later.toString());
    }

    @Test
    void idsOfOneMillisecondDiffer() {
        java.util.Set<UUID> ids = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(EventIds.timeOrdered(42L));
        }
        assertThat(ids).hasSize(10_000);
    }
}
