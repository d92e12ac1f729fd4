package io.firehosegateway.idempotency;

import static io.firehosegateway.idempotency.EventIdStore.IdState.CLAIMED;
import static io.firehosegateway.idempotency.EventIdStore.IdState.TAKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event ids in the embedded store's file: the contract, and what a restart keeps of them. */
class EmbeddedEventIdStoreTests extends EventIdStoreContract {

    private static final Instant LEASE = NOW.plus(Duration.ofMinutes(5));

    @TempDir
    Path directory;

    @Override
    EventIdStore newStore() {
        return new EmbeddedEventIdStore(new EmbeddedFile(directory));
    }

    @Test
    void theTakenIdsSurviveARestartAndTheHeldOnesAreFreeAfterIt() {
        try (EventIdStore store = newStore()) {
            store.claim("events", List.of("a", "b"), NOW, LEASE);
            store.keep("events", List.of("a"), NOW.plus(Duration.ofMinutes(10)));
        }

        try (EventIdStore reopened = newStore()) {
            assertThat(reopened.claim("events", List.of("a", "b"), NOW, LEASE)).containsExactly(TAKEN, CLAIMED);
        }
    }

    @Test
    void sharesTheFileWithTheKeptAnswers() {
        EmbeddedFile file = new EmbeddedFile(directory);
        try (EventIdStore ids = new EmbeddedEventIdStore(file);
                IdempotencyStore answers = new EmbeddedIdempotencyStore(file)) {
            ids.claim("events", List.of("a"), NOW, LEASE);
            ids.keep("events", List.of("a"), NOW.plus(Duration.ofMinutes(10)));
            assertThat(answers.claim("shop\nk-1", NOW)).isInstanceOf(IdempotencyStore.Granted.class);
        }

        assertThat(directory.resolve(EmbeddedFile.FILE_NAME)).isRegularFile();
    }

    @Test
    void dropsTheExpiredIdsAtMostAsManyAsAskedAndKeepsTheOthers() {
        EmbeddedEventIdStore store = (EmbeddedEventIdStore) store();
        store.claim("events", List.of("a", "b", "c"), NOW, LEASE);
        store.keep("events", List.of("a", "b"), NOW.plus(Duration.ofMinutes(1)));
        store.keep("events", List.of("c"), NOW.plus(Duration.ofMinutes(10)));

        assertThat(store.dropExpired(NOW.plus(Duration.ofMinutes(2)), 1)).isEqualTo(1);
        assertThat(store.dropExpired(NOW.plus(Duration.ofMinutes(2)), 10)).isEqualTo(1);
        assertThat(store.dropExpired(NOW.plus(Duration.ofMinutes(2)), 10)).isZero();
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void anIdTakenAgainAfterItExpiredIsNotDroppedWithItsFormerExpiry() {
        EmbeddedEventIdStore store = (EmbeddedEventIdStore) store();
        store.claim("events", List.of("a"), NOW, LEASE);
        store.keep("events", List.of("a"), NOW.plus(Duration.ofMinutes(1)));
        Instant later = NOW.plus(Duration.ofMinutes(2));
        store.claim("events", List.of("a"), later, later.plus(Duration.ofMinutes(5)));
        store.keep("events", List.of("a"), later.plus(Duration.ofMinutes(10)));

        store.dropExpired(later, 10);

        assertThat(store.claim("events", List.of("a"), later, LEASE)).containsExactly(TAKEN);
    }

    @Test
    void aFileThatCannotBeOpenedIsAStoreFailure() throws IOException {
        Path notADirectory = Files.writeString(directory.resolve("file"), "x");
        try (EventIdStore store = new EmbeddedEventIdStore(new EmbeddedFile(notADirectory))) {
            assertThatThrownBy(() -> store.claim("events", List.of("a"), NOW, LEASE))
                    .isInstanceOf(IdempotencyStoreException.class);
        }
    }
}
