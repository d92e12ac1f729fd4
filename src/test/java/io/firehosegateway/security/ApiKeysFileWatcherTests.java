package io.firehosegateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * The watcher outlives every version of the file it is given: one it must refuse is logged and
 * ignored, and the next valid version still takes effect.
 */
@ExtendWith(OutputCaptureExtension.class)
class ApiKeysFileWatcherTests {

    private static final String WRITER = "writer-key-aaaaaaaaaaaaaaaa";
    private static final String READER = "reader-key-bbbbbbbbbbbbbbbb";
    private static final Duration DEADLINE = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    Path file;
    ApiKeyRegistry registry;
    ApiKeysFileWatcher watcher;

    @BeforeEach
    void watchTwoKeys() throws IOException {
        file = Files.writeString(directory.resolve("keys"), "writer:" + WRITER + "\nreader:" + READER + "\n");
        registry = new ApiKeyRegistry(List.of(), false);
        watcher = new ApiKeysFileWatcher(file, Duration.ofMillis(50), registry);
        assertThat(registry.names()).containsExactly("writer", "reader");
    }

    @AfterEach
    void stop() {
        watcher.close();
    }

    @Test
    void aFileOverTheSizeBoundIsRefusedAndALaterRevocationStillTakesEffect(CapturedOutput output) throws IOException {
        // Sparse: 3 GiB on paper, nothing on disk. Reading it whole would need an array over 2 GiB.
        try (RandomAccessFile huge = new RandomAccessFile(file.toFile(), "rw")) {
            huge.setLength(3L << 30);
        }

        await().atMost(DEADLINE).until(() -> output.getOut().contains("is larger than"));
        assertThat(registry.names()).containsExactly("writer", "reader");
        assertThat(watcher.status().stale()).isTrue();
        assertThat(watcher.status().problem()).contains("is larger than");

        Files.writeString(file, "writer:" + WRITER + "\n");

        await().atMost(DEADLINE).until(() -> registry.find(READER).isEmpty());
        assertThat(registry.find(WRITER)).isPresent();
        assertThat(watcher.status().stale()).isFalse();
        assertThat(watcher.status().keys()).isEqualTo(1);
    }

    @Test
    void anEmptiedFileIsRefusedLoudlyAndTheKeysInUseStay(CapturedOutput output) throws IOException {
        Files.writeString(file, "# name:key[:streams[:generator]]\n\n");

        await().atMost(DEADLINE).until(() -> output.getOut().contains("holds no keys"));
        assertThat(output.getOut()).contains("ERROR");
        assertThat(registry.find(WRITER)).isPresent();
        assertThat(registry.find(READER)).isPresent();
        assertThat(watcher.status().problem()).contains("holds no keys");

        Files.writeString(file, "writer:" + WRITER + "\n");

        await().atMost(DEADLINE).until(() -> registry.find(READER).isEmpty());
        assertThat(registry.find(WRITER)).isPresent();
    }

    @Test
    void aWatcherWhoseChecksStoppedShowsTheFileStale() {
        MovableClock clock = new MovableClock(Instant.parse("2026-12-01T00:00:00Z"));
        // An hour apart, so no check runs while the clock is moved: as if the checks had died.
        try (ApiKeysFileWatcher stopped =
                new ApiKeysFileWatcher(file, Duration.ofHours(1), new ApiKeyRegistry(List.of(), false), clock)) {
            clock.move(Duration.ofHours(3));
            assertThat(stopped.status().stale()).isFalse();

            clock.move(Duration.ofMinutes(1));

            assertThat(stopped.status().stale()).isTrue();
            assertThat(stopped.status().problem()).startsWith("not checked for");
        }
    }

    private static final class MovableClock extends Clock {

        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void move(Duration by) {
            now = now.plus(by);
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
            throw new UnsupportedOperationException();
        }
    }
}
