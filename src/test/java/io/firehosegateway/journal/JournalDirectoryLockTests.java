package io.firehosegateway.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory lock alone: one holder at a time, named in the lock file, free again once released. */
class JournalDirectoryLockTests {

    @TempDir
    Path directory;

    @Test
    void aSecondHolderIsRefusedUntilTheFirstReleasesTheDirectory() throws IOException {
        JournalDirectoryLock first = JournalDirectoryLock.acquire(directory);

        assertThat(Files.readString(directory.resolve(JournalDirectoryLock.LOCK_FILE)))
                .startsWith("process ");
        assertThatThrownBy(() -> JournalDirectoryLock.acquire(directory))
                .isInstanceOf(JournalDirectoryInUseException.class);

        first.release();
        JournalDirectoryLock second = JournalDirectoryLock.acquire(directory);
        second.release();
    }
}
