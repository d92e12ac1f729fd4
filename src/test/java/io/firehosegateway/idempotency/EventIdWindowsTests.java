package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.problem.ProblemType;
import io.firehosegateway.problem.RetryableProblemException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ids a stream took, on a clock the test moves. */
class EventIdWindowsTests {

    private final MovableClock clock = new MovableClock();
    private final EventIdWindows windows = new EventIdWindows(
            Map.of("events", Duration.ofMinutes(5), "plain", Duration.ZERO),
            new InMemoryEventIdStore(),
            new GatewayMetrics(new SimpleMeterRegistry()),
            clock);

    @Test
    void onlyStreamsWithAWindowDeduplicate() {
        assertThat(windows.deduplicates("events")).isTrue();
        assertThat(windows.deduplicates("plain")).isFalse();
        assertThat(windows.deduplicates("unknown")).isFalse();
    }

    @Test
    void anIdTakenIsADuplicateWithinTheWindowAndFreeAfterIt() {
        EventIdWindows.Taken first = windows.take("events", "shop", List.of("a", "b"));
        first.taken(List.of(0, 1));
        first.release();

        clock.advance(Duration.ofMinutes(4).toNanos());
        EventIdWindows.Taken within = windows.take("events", "shop", List.of("b", "c"));
        assertThat(within.duplicates()).containsExactly(0);
        within.taken(List.of(1));
        within.release();

        clock.advance(Duration.ofMinutes(2).toNanos());
        assertThat(windows.take("events", "shop", List.of("a", "b", "c")).duplicates())
                .containsExactly(2);
    }

    @Test
    void anIdReleasedWithoutBeingTakenIsFreeAndOneHeldIsAConflict() {
        EventIdWindows.Taken running = windows.take("events", "shop", List.of("a", "b"));

        assertThatThrownBy(() -> windows.take("events", "app", List.of("c", "b")))
                .isInstanceOfSatisfying(
                        RetryableProblemException.class,
                        e -> assertThat(e.type()).isEqualTo(ProblemType.EVENT_ID_IN_USE));
        // The refused request let go of the id it held before the conflict.
        EventIdWindows.Taken other = windows.take("events", "app", List.of("c"));
        assertThat(other.duplicates()).isEmpty();
        other.release();

        running.taken(List.of(0));
        running.release();
        assertThat(windows.take("events", "app", List.of("a", "b")).duplicates())
                .containsExactly(0);
    }

    /** A clock the test moves by nanoseconds, as it moved the monotonic clock the windows read before. */
    private static final class MovableClock extends Clock {

        private volatile Instant now = Instant.parse("2026-12-07T12:00:00Z");

        void advance(long nanos) {
            now = now.plusNanos(nanos);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
