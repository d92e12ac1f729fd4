package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.event.Event;
import io.firehosegateway.journal.Journal;
import io.firehosegateway.journal.JournalProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.unit.DataSize;

class JournalHealthIndicatorTests {

    @TempDir
    Path directory;

    private final MovableClock clock = new MovableClock();
    private Journal journal;

    @AfterEach
    void close() throws Exception {
        if (journal != null) {
            journal.close();
        }
    }

    private static List<Event> event(String id) {
        return List.of(new Event(
                id,
                ("{\"id\":\"" + id + "\",\"pad\":\"" + "x".repeat(1000) + "\"}\n").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void outOfServiceForAFewSecondsAfterAFailedWriteThenTriedAgain() throws Exception {
        journal = Journal.open(
                new JournalProperties(directory, DataSize.ofMegabytes(64), DataSize.ofKilobytes(1)), clock);
        JournalHealthIndicator indicator = new JournalHealthIndicator(journal, clock);
        journal.append("events", event("first"), null).get(5, TimeUnit.SECONDS);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        // The first segment is full; the next one cannot be created where a directory stands.
        Files.createDirectory(directory.resolve(String.format("%020d.seg", 1)));

        assertThatThrownBy(
                        () -> journal.append("events", event("refused"), null).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);

        Health failing = indicator.health();
        assertThat(failing.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(failing.getDetails()).containsEntry("writeFailing", true).containsKey("lastWriteFailure");

        clock.advance(JournalHealthIndicator.WRITE_FAILURE_HOLD);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        assertThat(indicator.health().getDetails()).containsEntry("writeFailing", true);
    }

    @Test
    void detailsSayWhatWasFoundDamagedAndWhatIsNotRecordedYet() throws Exception {
        journal = Journal.open(
                new JournalProperties(directory, DataSize.ofMegabytes(64), DataSize.ofMegabytes(1)), clock);

        assertThat(new JournalHealthIndicator(journal, clock).health().getDetails())
                .containsEntry("damagedSegments", 0L)
                .containsEntry("lostEntries", 0L)
                .containsEntry("unrecordedDeliveries", 0L)
                .containsEntry("writeFailing", false);
    }

    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
