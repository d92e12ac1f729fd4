package io.firehosegateway.idempotency;

import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.problem.ProblemException;
import io.firehosegateway.problem.ProblemType;
import io.firehosegateway.problem.RetryableProblemException;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Set;

/**
 * The {@code Idempotency-Key} of event requests: checks a request's key, and claims it before the
 * request runs, so that the same key again gets the first answer instead of running twice.
 */
public final class IdempotencyKeys {

    /** The request header, as the draft names it. */
    public static final String HEADER = "Idempotency-Key";

    /** Set to {@code true} on an answer given again for a key; the draft leaves its name open. */
    public static final String REPLAYED = "Idempotent-Replayed";

    /** A request with the key is running: it ends within the delivery timeout, usually far sooner. */
    private static final long RETRY_AFTER_RUNNING_SECONDS = 1;

    private static final long RETRY_AFTER_STORE_SECONDS = 5;

    private static final String REFUSED = "refused";

    private final IdempotencyStore store;
    private final GatewayMetrics metrics;
    private final Timer claims;
    private final Timer keeps;
    private final Clock clock;
    private final IdempotencyProperties settings;
    private final Set<String> requiredStreams;

    IdempotencyKeys(IdempotencyProperties settings, IdempotencyStore store, GatewayMetrics metrics, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.metrics = metrics;
        this.claims = metrics.idempotencyStore("claim");
        this.keeps = metrics.idempotencyStore("keep");
        metrics.idempotencyKeys(store::size);
        this.clock = clock;
        this.requiredStreams = Set.copyOf(settings.requiredStreams());
    }

    /**
     * The key of a request to {@code stream}, from its header: {@code null} when it has none.
     *
     * @throws ProblemException when the key is malformed or too long, or missing on a stream that
     *     requires one
     */
    public String keyOf(String stream, String header) {
        if (header == null) {
            if (requiredStreams.contains(stream)) {
                throw new ProblemException(
                                ProblemType.IDEMPOTENCY_KEY_MISSING,
                                "Requests to stream " + stream + " must carry an " + HEADER + " header")
                        .with("stream", stream);
            }
            return null;
        }
        String key = header.strip();
        // The draft's form is a quoted string (RFC 8941); a bare token is taken as well.
        if (key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")) {
            key = key.substring(1, key.length() - 1);
        }
        if (key.isEmpty() || key.length() > settings.maxKeyLength() || !printableAscii(key)) {
            throw new ProblemException(
                            ProblemType.INVALID_IDEMPOTENCY_KEY,
                            "An " + HEADER + " must be 1 to " + settings.maxKeyLength() + " printable ASCII characters")
                    .with("maxLength", settings.maxKeyLength());
        }
        return key;
    }

    /**
     * Claims {@code key} for a request of {@code client}: the claim runs the request, or holds the
     * answer kept for the key.
     *
     * @param fingerprint what tells one request from another under the same key: its stream, the
     *     type and the digest of its decompressed body
     * @throws ProblemException 409 while a request with the key runs, 422 when the key's answer was
     *     for another request, 503 when the store is full or cannot answer
     */
    public Claim claim(String client, String key, Fingerprint fingerprint) {
        String scoped = client + '\n' + key;
        byte[] print = fingerprint.bytes();
        Instant now = clock.instant();
        IdempotencyStore.Claimed claimed;
        String stream = fingerprint.stream();
        try {
            if (store.size() >= settings.maxKeys()) {
                metrics.idempotencyRequest(stream, client, REFUSED);
                throw new RetryableProblemException(
                        ProblemType.IDEMPOTENCY_STORE_FULL,
                        "The idempotency store holds its " + settings.maxKeys()
                                + " keys; nothing of this request was taken. Try again when older keys expire,"
                                + " or send it without a key",
                        RETRY_AFTER_STORE_SECONDS);
            }
            claimed = claims.recordCallable(() -> store.claim(scoped, now));
        } catch (IdempotencyStoreException e) {
            metrics.idempotencyRequest(stream, client, REFUSED);
            throw unavailable(e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (claimed instanceof IdempotencyStore.Found found) {
            if (!MessageDigest.isEqual(found.kept().fingerprint(), print)) {
                metrics.idempotencyRequest(stream, client, "reused");
                throw new ProblemException(
                        ProblemType.IDEMPOTENCY_KEY_REUSED,
                        "This " + HEADER + " was used for another request (another stream or body);"
                                + " nothing of this one was taken");
            }
            metrics.idempotencyRequest(stream, client, "replayed");
            return Claim.replay(found.kept().answer());
        }
        if (claimed instanceof IdempotencyStore.Running) {
            metrics.idempotencyRequest(stream, client, "in-use");
            throw new RetryableProblemException(
                    ProblemType.IDEMPOTENCY_KEY_IN_USE,
                    "A request with this " + HEADER + " is running; its answer will be given to the same key"
                            + " once it ends",
                    RETRY_AFTER_RUNNING_SECONDS);
        }
        metrics.idempotencyRequest(stream, client, "first");
        return new Claim(store, keeps, scoped, print, clock, settings.ttl());
    }

    static RetryableProblemException unavailable(IdempotencyStoreException e) {
        return new RetryableProblemException(
                ProblemType.IDEMPOTENCY_STORE_UNAVAILABLE,
                "The idempotency store could not be read or written; nothing of this request was taken",
                RETRY_AFTER_STORE_SECONDS);
    }

    private static boolean printableAscii(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /**
     * What tells one request from another under one key.
     *
     * @param stream the stream the request sends to
     * @param contentType the body's media type, which says how its bytes are framed
     * @param bodyDigest the SHA-256 of the decompressed body
     */
    public record Fingerprint(String stream, String contentType, byte[] bodyDigest) {

        byte[] bytes() {
            MessageDigest digest = sha256();
            digest.update(stream.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(contentType.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(bodyDigest);
            return digest.digest();
        }

        /** A new digest for a request's decompressed body. */
        public static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("Every Java platform has SHA-256", e);
            }
        }
    }
}
