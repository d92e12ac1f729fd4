package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store on a real file: what it keeps, across a restart, and what it drops. */
class EmbeddedIdempotencyStoreTests {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir
    Path directory;

    @Test
    void aKeptAnswerIsFoundAfterARestart() {
        IdempotencyStore.Kept kept = kept("first", NOW.plus(Duration.ofHours(24)));
        try (EmbeddedIdempotencyStore store = new EmbeddedIdempotencyStore(new EmbeddedFile(directory))) {
            assertThat(store.claim("shop\nk-1", NOW)).isInstanceOf(IdempotencyStore.Granted.class);
            store.keep("shop\nk-1", kept);
        }

        try (EmbeddedIdempotencyStore reopened = new EmbeddedIdempotencyStore(new EmbeddedFile(directory))) {
            IdempotencyStore.Claimed claimed = reopened.claim("shop\nk-1", NOW.plusSeconds(60));

            assertThat(claimed).isInstanceOf(IdempotencyStore.Found.class);
            IdempotencyStore.Kept found = ((IdempotencyStore.Found) claimed).kept();
            assertThat(found.fingerprint()).isEqualTo(kept.fingerprint());
            assertThat(found.expires()).isEqualTo(kept.expires());
            assertThat(found.answer().status()).isEqualTo(200);
            assertThat(found.answer().headers()).isEqualTo(Map.of("Preference-Applied", "respond-async"));
            assertThat(new String(found.answer().body(), StandardCharsets.UTF_8))
                    .isEqualTo("first");
            assertThat(reopened.size()).isEqualTo(1);
        }
    }

    @Test
    void aKeyIsRunningToASecondClaimUntilItsRequestKeepsOrReleasesIt() {
        try (EmbeddedIdempotencyStore store = new EmbeddedIdempotencyStore(new EmbeddedFile(directory))) {
            store.claim("shop\nk-1", NOW);
            assertThat(store.claim("shop\nk-1", NOW)).isInstanceOf(IdempotencyStore.Running.class);
            store.release("shop\nk-1");
            assertThat(store.claim("shop\nk-1", NOW)).isInstanceOf(IdempotencyStore.Granted.class);
            store.keep("shop\nk-1", kept("kept", NOW.plusSeconds(60)));
            assertThat(store.claim("shop\nk-1", NOW)).isInstanceOf(IdempotencyStore.Found.class);
            assertThat(store.claim("app\nk-1", NOW)).isInstanceOf(IdempotencyStore.Granted.class);
        }
    }

    @Test
    void anExpiredAnswerIsIgnoredAtOnceAndDroppedInExpiryOrder() {
        try (EmbeddedIdempotencyStore store = new EmbeddedIdempotencyStore(new EmbeddedFile(directory))) {
            for (int i = 0; i < 5; i++) {
                store.claim("shop\nk-" + i, NOW);
                store.keep("shop\nk-" + i, kept("answer " + i, NOW.plusSeconds(10 * (i + 1))));
            }
            Instant later = NOW.plusSeconds(35);

            assertThat(store.claim("shop\nk-0", later)).isInstanceOf(IdempotencyStore.Granted.class);
            store.release("shop\nk-0");
            assertThat(store.dropExpired(later, 2)).isEqualTo(2);
            assertThat(store.dropExpired(later, 2)).isEqualTo(1);
            assertThat(store.dropExpired(later, 2)).isZero();

            assertThat(store.size()).isEqualTo(2);
            assertThat(store.claim("shop\nk-3", later)).isInstanceOf(IdempotencyStore.Found.class);
            assertThat(store.claim("shop\nk-4", later)).isInstanceOf(IdempotencyStore.Found.class);
        }
    }

    @Test
    void anAnswerKeptAgainAfterItExpiredIsNotDroppedByItsFormerExpiry() {
        try (EmbeddedIdempotencyStore store = new EmbeddedIdempotencyStore(new EmbeddedFile(directory))) {
            store.claim("shop\nk-1", NOW);
            store.keep("shop\nk-1", kept("old", NOW.plusSeconds(10)));
            Instant later = NOW.plusSeconds(20);
            store.claim("shop\nk-1", later);
            store.keep("shop\nk-1", kept("new", later.plusSeconds(10)));

            assertThat(store.dropExpired(later.plusSeconds(5), 100)).isZero();
            assertThat(store.claim("shop\nk-1", later.plusSeconds(5))).isInstanceOf(IdempotencyStore.Found.class);
        }
    }

    @Test
    void aStoreThatCannotBeOpenedFailsItsClaimsWithAStoreException() throws IOException {
        Path notADirectory = Files.writeString(directory.resolve("occupied"), "a file where the store would go");
        try (EmbeddedIdempotencyStore store = new EmbeddedIdempotencyStore(new EmbeddedFile(notADirectory))) {
            assertThatThrownBy(() -> store.claim("shop\nk-1", NOW))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessageContaining(notADirectory.toString());
        }
    }

    @Test
    void aSecondGatewayOnTheSameDirectoryIsRefusedRatherThanSharingIt() {
        try (EmbeddedIdempotencyStore first = new EmbeddedIdempotencyStore(new EmbeddedFile(directory));
                EmbeddedIdempotencyStore second = new EmbeddedIdempotencyStore(new EmbeddedFile(directory))) {
            first.claim("shop\nk-1", NOW);
            assertThatThrownBy(() -> second.claim("shop\nk-2", NOW)).isInstanceOf(IdempotencyStoreException.class);
        }
    }

    private static IdempotencyStore.Kept kept(String body, Instant expires) {
        return new IdempotencyStore.Kept(
                body.getBytes(StandardCharsets.UTF_8),
                expires,
                new KeptAnswer(
                        200, Map.of("Preference-Applied", "respond-async"), body.getBytes(StandardCharsets.UTF_8)));
    }
}
