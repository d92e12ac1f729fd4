package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file the embedded stores share: its group commit, and its end. */
class EmbeddedFileTests {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @TempDir
    Path directory;

    @Test
    void everyAnswerKeptByManyRequestsAtOnceIsInTheFileWhenItsKeepReturns() throws Exception {
        int threads = 16;
        int each = 25;
        try (EmbeddedIdempotencyStore store = new EmbeddedIdempotencyStore(new EmbeddedFile(directory))) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> keeping = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    keeping.add(pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            String key = "shop\nk-" + thread + "-" + i;
                            store.claim(key, NOW);
                            store.keep(key, kept(key));
                        }
                    }));
                }
                for (Future<?> keep : keeping) {
                    keep.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }

        try (EmbeddedIdempotencyStore reopened = new EmbeddedIdempotencyStore(new EmbeddedFile(directory))) {
            assertThat(reopened.claim("shop\nk-15-24", NOW)).isInstanceOf(IdempotencyStore.Found.class);
            assertThat(reopened.size()).isEqualTo((long) threads * each);
        }
    }

    @Test
    void aWriteAfterTheFileClosedIsAStoreFailure() {
        EmbeddedFile file = new EmbeddedFile(directory);
        file.store();
        file.close();

        assertThatThrownBy(file::write).isInstanceOf(IdempotencyStoreException.class);
    }

    private static IdempotencyStore.Kept kept(String key) {
        byte[] body = key.getBytes(StandardCharsets.UTF_8);
        return new IdempotencyStore.Kept(body, NOW.plusSeconds(3600), new KeptAnswer(200, Map.of(), body));
    }
}
