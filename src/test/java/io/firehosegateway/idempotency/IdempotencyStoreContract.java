package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link IdempotencyStore} promises, whatever keeps the answers: run against each store
 * by a subclass that says how to open one.
 */
abstract class IdempotencyStoreContract {

    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    IdempotencyStore store;

    /** A new, empty store. */
    abstract IdempotencyStore openStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openStore();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aKeyIsRunningToASecondClaimUntilItsRequestKeepsOrReleasesIt() {
        assertThat(store.claim("shop\nk-1", NOW)).isInstanceOf(IdempotencyStore.Granted.class);
        assertThat(store.claim("shop\nk-1", NOW)).isInstanceOf(IdempotencyStore.Running.class);
        store.release("shop\nk-1");
        assertThat(store.claim("shop\nk-1", NOW)).isInstanceOf(IdempotencyStore.Granted.class);
        store.keep("shop\nk-1", kept(200, "kept", NOW.plusSeconds(60)));
        assertThat(store.claim("shop\nk-1", NOW)).isInstanceOf(IdempotencyStore.Found.class);
        assertThat(store.claim("app\nk-1", NOW)).isInstanceOf(IdempotencyStore.Granted.class);
    }

    @Test
    void aKeptAnswerIsGivenBackByteForByte() {
        byte[] body = new byte[512];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Preference-Applied", "respond-async");
        headers.put("Content-Type", "application/json");
        byte[] fingerprint = "a fingerprint, \u00e9\u0000 and all".getBytes(StandardCharsets.UTF_8);
        IdempotencyStore.Kept kept =
                new IdempotencyStore.Kept(fingerprint, NOW.plusMillis(86_400_001), new KeptAnswer(202, headers, body));
        store.claim("shop\nbytes", NOW);
        store.keep("shop\nbytes", kept);

        IdempotencyStore.Claimed claimed = store.claim("shop\nbytes", NOW.plusSeconds(1));

        assertThat(claimed).isInstanceOf(IdempotencyStore.Found.class);
        IdempotencyStore.Kept found = ((IdempotencyStore.Found) claimed).kept();
        assertThat(found.fingerprint()).isEqualTo(fingerprint);
        assertThat(found.expires()).isEqualTo(kept.expires());
        assertThat(found.answer().status()).isEqualTo(202);
        assertThat(found.answer().headers()).isEqualTo(headers);
        assertThat(found.answer().body()).isEqualTo(body);
    }

    @Test
    void anAnswerIsFoundUntilItExpiresAndTheKeyRunsAgainFromThen() {
        Instant expires = NOW.plusSeconds(10);
        store.claim("shop\nk-1", NOW);
        store.keep("shop\nk-1", kept(200, "old", expires));

        assertThat(store.claim("shop\nk-1", expires.minusMillis(1))).isInstanceOf(IdempotencyStore.Found.class);
        assertThat(store.claim("shop\nk-1", expires)).isInstanceOf(IdempotencyStore.Granted.class);
        store.keep("shop\nk-1", kept(200, "new", expires.plusSeconds(10)));

        IdempotencyStore.Claimed again = store.claim("shop\nk-1", expires.plusSeconds(1));
        assertThat(again).isInstanceOf(IdempotencyStore.Found.class);
        assertThat(new String(((IdempotencyStore.Found) again).kept().answer().body(), StandardCharsets.UTF_8))
                .isEqualTo("new");
    }

    @Test
    void ofManyClaimsOfOneKeyAtOnceOnlyOneIsGranted() throws Exception {
        int claimants = 8;
        ExecutorService threads = Executors.newFixedThreadPool(claimants);
        try {
            List<Callable<IdempotencyStore.Claimed>> claims = new ArrayList<>();
            for (int i = 0; i < claimants; i++) {
                claims.add(() -> store.claim("shop\nraced", NOW));
            }
            List<Class<?>> outcomes = new ArrayList<>();
            for (Future<IdempotencyStore.Claimed> claimed : threads.invokeAll(claims)) {
                outcomes.add(claimed.get().getClass());
            }

            assertThat(outcomes).containsOnlyOnce(IdempotencyStore.Granted.class);
            assertThat(outcomes)
                    .filteredOn(IdempotencyStore.Running.class::equals)
                    .hasSize(claimants - 1);
        } finally {
            threads.shutdownNow();
        }
    }

    static IdempotencyStore.Kept kept(int status, String body, Instant expires) {
        return new IdempotencyStore.Kept(
                body.getBytes(StandardCharsets.UTF_8),
                expires,
                new KeptAnswer(
                        status, Map.of("Preference-Applied", "respond-async"), body.getBytes(StandardCharsets.UTF_8)));
    }
}
