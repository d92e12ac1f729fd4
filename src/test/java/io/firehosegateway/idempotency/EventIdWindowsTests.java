package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.problem.ProblemType;
import io.firehosegateway.problem.RetryableProblemException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ids a stream took, on a clock the test moves. */
class EventIdWindowsTests {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-07T12:00:00Z"));
    private EmbeddedEventIdStore store;
    private EventIdWindows windows;

    @BeforeEach
    void open(@TempDir Path directory) {
        store = new EmbeddedEventIdStore(new EmbeddedFile(directory));
        windows = new EventIdWindows(
                Map.of("events", Duration.ofMinutes(5), "plain", Duration.ZERO),
                store,
                new GatewayMetrics(new SimpleMeterRegistry()),
                clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

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

        clock.now = clock.now.plus(Duration.ofMinutes(4));
        EventIdWindows.Taken within = windows.take("events", "shop", List.of("b", "c"));
        assertThat(within.duplicates()).containsExactly(0);
        within.taken(List.of(1));
        within.release();

        clock.now = clock.now.plus(Duration.ofMinutes(2));
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
}
