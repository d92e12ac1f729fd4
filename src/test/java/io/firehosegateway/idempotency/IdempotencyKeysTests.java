package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import io.firehosegateway.problem.RetryableProblemException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claims, expiry and a store that is full or failing, over the embedded store on a real file. */
class IdempotencyKeysTests {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final KeptAnswer OK =
            new KeptAnswer(200, Map.of(), "{\"accepted\":1}".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path directory;

    private final MovableClock clock = new MovableClock(NOW);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private EmbeddedIdempotencyStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void anAnswerIsGivenAgainWithinTheTtlAndTheKeyRunsAgainAfterIt() {
        IdempotencyKeys keys = keys(Duration.ofHours(24), 100);
        keys.claim("shop", "k-1", print("a")).keep(OK);

        clock.now = NOW.plus(Duration.ofHours(23));
        KeptAnswer replay = keys.claim("shop", "k-1", print("a")).replay();
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.body()).isEqualTo(OK.body());

        clock.now = NOW.plus(Duration.ofHours(24)).plusMillis(1);
        Claim afterTtl = keys.claim("shop", "k-1", print("b"));
        assertThat(afterTtl.replay()).isNull();
        afterTtl.release();
    }

    @Test
    void eachClaimIsCountedByStreamKeyNameAndWhatItFoundAndTheStoreIsTimedAndMeasured() {
        IdempotencyKeys keys = keys(Duration.ofHours(24), 100);
        Claim first = keys.claim("shop", "k-1", print("a"));
        assertThatThrownBy(() -> keys.claim("shop", "k-1", print("a"))).isInstanceOf(ProblemException.class);
        first.keep(OK);
        keys.claim("shop", "k-1", print("a"));
        assertThatThrownBy(() -> keys.claim("shop", "k-1", print("b"))).isInstanceOf(ProblemException.class);

        for (String outcome : new String[] {"first", "in-use", "replayed", "reused"}) {
            assertThat(meters.get(GatewayMetrics.IDEMPOTENCY_REQUESTS)
                            .tags("stream", "events", "key", "shop", "outcome", outcome)
                            .counter()
                            .count())
                    .as(outcome)
                    .isEqualTo(1);
        }
        assertThat(meters.get(GatewayMetrics.IDEMPOTENCY_STORE)
                        .tag("operation", "claim")
                        .timer()
                        .count())
                .isEqualTo(4);
        assertThat(meters.get(GatewayMetrics.IDEMPOTENCY_STORE)
                        .tag("operation", "keep")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(meters.get(GatewayMetrics.IDEMPOTENCY_KEYS).gauge().value()).isEqualTo(1);
    }

    @Test
    void anAnswerThatIsNoSuccessIsNotKept() {
        IdempotencyKeys keys = keys(Duration.ofHours(24), 100);
        keys.claim("shop", "k-1", print("a")).keep(new KeptAnswer(503, Map.of(), new byte[0]));

        assertThat(keys.claim("shop", "k-1", print("a")).replay()).isNull();
        assertThat(store.size()).isZero();
    }

    @Test
    void aFullStoreRefusesNewKeysWithARetryableProblemAndStillGivesKeptAnswers() {
        IdempotencyKeys keys = keys(Duration.ofHours(24), 1);
        keys.claim("shop", "k-1", print("a")).keep(OK);

        assertThatThrownBy(() -> keys.claim("shop", "k-2", print("a")))
                .isInstanceOfSatisfying(
                        RetryableProblemException.class,
                        e -> assertThat(e.type()).isEqualTo(ProblemType.IDEMPOTENCY_STORE_FULL))
                .satisfies(
                        e -> assertThat(((ProblemException) e).type().status().value())
                                .isEqualTo(503));
    }

    @Test
    void aStoreThatCannotBeReadIsARetryableProblemNeverARunWithoutIt() throws IOException {
        Path occupied = Files.writeString(directory.resolve("occupied"), "not a directory");
        IdempotencyProperties settings = settings(Duration.ofHours(1), 100, occupied);
        store = new EmbeddedIdempotencyStore(new EmbeddedFile(occupied));
        IdempotencyKeys keys = new IdempotencyKeys(settings, store, new GatewayMetrics(meters), clock);

        assertThatThrownBy(() -> keys.claim("shop", "k-1", print("a")))
                .isInstanceOfSatisfying(
                        RetryableProblemException.class,
                        e -> assertThat(e.type()).isEqualTo(ProblemType.IDEMPOTENCY_STORE_UNAVAILABLE));
    }

    @Test
    void theSweeperDropsExpiredKeysSoTheyNoLongerCountTowardsTheLimit() {
        IdempotencyKeys keys = keys(Duration.ofMinutes(1), 2);
        keys.claim("shop", "k-1", print("a")).keep(OK);
        keys.claim("shop", "k-2", print("a")).keep(OK);
        clock.now = NOW.plus(Duration.ofMinutes(2));
        ExpiredKeysSweeper sweeper = new ExpiredKeysSweeper(store, clock, Duration.ofHours(1));
        try {
            assertThat(sweeper.sweep()).isEqualTo(2);
        } finally {
            sweeper.close();
        }

        Claim claim = keys.claim("shop", "k-3", print("a"));
        assertThat(claim.replay()).isNull();
        claim.release();
    }

    @Test
    void aKeyIsCheckedAndAStreamThatRequiresOneRefusesARequestWithout() {
        IdempotencyKeys keys = keys(Duration.ofHours(1), 100);

        assertThat(keys.keyOf("events", null)).isNull();
        assertThat(keys.keyOf("events", " \"k-1\" ")).isEqualTo("k-1");
        assertThatThrownBy(() -> keys.keyOf("audit", null))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.type()).isEqualTo(ProblemType.IDEMPOTENCY_KEY_MISSING));
        assertThatThrownBy(() -> keys.keyOf("events", "k".repeat(17)))
                .isInstanceOfSatisfying(
                        ProblemException.class,
                        e -> assertThat(e.type()).isEqualTo(ProblemType.INVALID_IDEMPOTENCY_KEY));
    }

    private IdempotencyKeys keys(Duration ttl, long maxKeys) {
        store = new EmbeddedIdempotencyStore(new EmbeddedFile(directory));
        return new IdempotencyKeys(settings(ttl, maxKeys, directory), store, new GatewayMetrics(meters), clock);
    }

    private static IdempotencyProperties settings(Duration ttl, long maxKeys, Path directory) {
        return new IdempotencyProperties(
                ttl,
                16,
                Set.of("audit"),
                IdempotencyProperties.StoreKind.EMBEDDED,
                directory,
                maxKeys,
                "firehose-gateway-idempotency",
                null,
                Duration.ofMinutes(1));
    }

    private static IdempotencyKeys.Fingerprint print(String body) {
        return new IdempotencyKeys.Fingerprint(
                "events", "JSON", IdempotencyKeys.Fingerprint.sha256().digest(body.getBytes(StandardCharsets.UTF_8)));
    }
}
