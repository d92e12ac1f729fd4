package io.firehosegateway.idempotency;

import io.firehosegateway.sink.aws.AwsFailures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The kept answers in a DynamoDB table that every replica shares, as Powertools for AWS Lambda keeps
 * them: one item per key, written only under a condition, so two replicas never both run one key.
 *
 * <p>A claim writes the key with a token of its own and a lease, on condition that the key is
 * absent or its item expired: a kept answer past its TTL, or a claim whose replica died while its
 * request ran and whose lease ran out. Keeping the answer, or letting the claim go, is conditional
 * on the item still holding this claim's token, so a request whose lease was taken over never
 * overwrites the new claim. Each item carries its expiry twice: {@code expiresAt} in milliseconds,
 * which the conditions and reads compare, and {@code ttl} in seconds for DynamoDB's TTL, which
 * deletes expired items only within a day or two.
 *
 * <p>Every call goes out once (the SDK's retries are off, as for every AWS client of the gateway):
 * throttling, a timeout or any other fault is an {@link IdempotencyStoreException}, so the request
 * is refused with 503 rather than run unguarded.
 */
final class DynamoDbIdempotencyStore implements IdempotencyStore {

    private static final Logger log = LoggerFactory.getLogger(DynamoDbIdempotencyStore.class);

    static final String KEY = "key";
    static final String TTL = "ttl";
    private static final String EXPIRES_AT = "expiresAt";
    private static final String CLAIM = "claim";
    private static final String ANSWER = "answer";

    /** DynamoDB's item count is refreshed about every six hours: asking more often than this is waste. */
    private static final Duration SIZE_REFRESH = Duration.ofMinutes(5);

    private final LazyClient client;
    private final String table;
    private final Duration lease;
    private final Clock clock;

    /** This replica's claims, by key: the token each wrote, which its keep or release must find. */
    private final Map<String, String> claims = new ConcurrentHashMap<>();

    private final AtomicBoolean sizing = new AtomicBoolean();
    private volatile long size;
    private volatile Instant sized = Instant.MIN;

    /** @param clients builds the client, at the first request with a key */
    DynamoDbIdempotencyStore(Supplier<DynamoDbAsyncClient> clients, String table, Duration lease, Clock clock) {
        this.client = new LazyClient(clients);
        this.table = table;
        this.lease = lease;
        this.clock = clock;
    }

    @Override
    public Claimed claim(String key, Instant now) {
        String token = UUID.randomUUID().toString();
        // A key this replica already runs needs no call: the table would say the same.
        if (claims.putIfAbsent(key, token) != null) {
            return new Running();
        }
        try {
            Instant until = now.plus(lease);
            call(client.get()
                    .putItem(put -> put.tableName(table)
                            .item(Map.of(
                                    KEY, string(key),
                                    CLAIM, string(token),
                                    EXPIRES_AT, number(until.toEpochMilli()),
                                    TTL, number(ttlSeconds(until))))
                            .conditionExpression("attribute_not_exists(#key) OR #expiresAt <= :now")
                            .expressionAttributeNames(Map.of("#key", KEY, "#expiresAt", EXPIRES_AT))
                            .expressionAttributeValues(Map.of(":now", number(now.toEpochMilli())))
                            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
            return new Granted();
        } catch (ConditionalCheckFailedException taken) {
            claims.remove(key, token);
            return taken.hasItem() ? held(taken.item(), key, now) : held(read(key), key, now);
        } catch (RuntimeException e) {
            claims.remove(key, token);
            throw failed("claim", key, e);
        }
    }

    /** What an item that refused a claim holds: the kept answer, or another request's claim. */
    private Claimed held(Map<String, AttributeValue> item, String key, Instant now) {
        if (item == null || item.isEmpty() || expiresAt(item) <= now.toEpochMilli()) {
            // Gone or expired since the refusal: another claim decides, as a retry would.
            return claim(key, now);
        }
        AttributeValue answer = item.get(ANSWER);
        if (answer == null) {
            return new Running();
        }
        try {
            return new Found(EmbeddedIdempotencyStore.decode(answer.b().asByteArrayUnsafe()));
        } catch (RuntimeException e) {
            throw failed("read the answer kept for", key, e);
        }
    }

    private Map<String, AttributeValue> read(String key) {
        try {
            return call(client.get()
                            .getItem(get -> get.tableName(table)
                                    .key(Map.of(KEY, string(key)))
                                    .consistentRead(true)))
                    .item();
        } catch (RuntimeException e) {
            throw failed("read", key, e);
        }
    }

    @Override
    public void keep(String key, Kept kept) {
        String token = claims.get(key);
        try {
            if (token == null) {
                throw new IllegalStateException("the key is not claimed by this gateway");
            }
            Instant expires = kept.expires();
            call(client.get()
                    .putItem(put -> put.tableName(table)
                            .item(Map.of(
                                    KEY, string(key),
                                    ANSWER,
                                            AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(
                                                    EmbeddedIdempotencyStore.encode(kept))),
                                    EXPIRES_AT, number(expires.toEpochMilli()),
                                    TTL, number(ttlSeconds(expires))))
                            .conditionExpression("#claim = :claim")
                            .expressionAttributeNames(Map.of("#claim", CLAIM))
                            .expressionAttributeValues(Map.of(":claim", string(token)))));
        } catch (ConditionalCheckFailedException e) {
            throw failed("keep the answer (its claim's lease ran out and was taken over) of", key, e);
        } catch (RuntimeException e) {
            throw failed("keep the answer of", key, e);
        } finally {
            if (token != null) {
                claims.remove(key, token);
            }
        }
    }

    /**
     * Deletes this request's claim. A failure is logged, not thrown: the request has its answer
     * already, and the claim ends with its lease, until when the key is {@code 409}.
     */
    @Override
    public void release(String key) {
        String token = claims.remove(key);
        if (token == null) {
            return;
        }
        try {
            call(client.get()
                    .deleteItem(delete -> delete.tableName(table)
                            .key(Map.of(KEY, string(key)))
                            .conditionExpression("#claim = :claim")
                            .expressionAttributeNames(Map.of("#claim", CLAIM))
                            .expressionAttributeValues(Map.of(":claim", string(token)))));
        } catch (ConditionalCheckFailedException e) {
            log.debug("A claim was taken over after its lease ran out; the new one stays", e);
        } catch (RuntimeException e) {
            log.warn(
                    "Could not let go of an idempotency key's claim in DynamoDB table {}; it holds the key"
                            + " until its lease ends, in {}",
                    table,
                    lease,
                    e);
        }
    }

    /**
     * The table's item count as DynamoDB reports it (refreshed there about every six hours), asked
     * at most every {@link #SIZE_REFRESH} and never on the caller's time: the first calls read 0.
     */
    @Override
    public long size() {
        Instant now = clock.instant();
        DynamoDbAsyncClient built = client.built();
        if (built != null && sized.plus(SIZE_REFRESH).isBefore(now) && sizing.compareAndSet(false, true)) {
            sized = now;
            built.describeTable(describe -> describe.tableName(table)).whenComplete((described, error) -> {
                if (error == null) {
                    size = described.table().itemCount();
                } else {
                    log.warn("Could not read the item count of DynamoDB table {}", table, AwsFailures.unwrap(error));
                }
                sizing.set(false);
            });
        }
        return size;
    }

    /** DynamoDB's TTL drops expired items itself; a claim already ignores them. */
    @Override
    public int dropExpired(Instant now, int max) {
        return 0;
    }

    @Override
    public void close() {
        client.close();
    }

    private static <T> T call(CompletableFuture<T> call) {
        try {
            return call.join();
        } catch (CompletionException e) {
            if (AwsFailures.unwrap(e) instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private IdempotencyStoreException failed(String what, String key, RuntimeException e) {
        return new IdempotencyStoreException(
                "Could not " + what + " an idempotency key in DynamoDB table " + table + " (" + AwsFailures.codeOf(e)
                        + ")",
                e);
    }

    private static long expiresAt(Map<String, AttributeValue> item) {
        AttributeValue expiresAt = item.get(EXPIRES_AT);
        return expiresAt == null ? Long.MIN_VALUE : Long.parseLong(expiresAt.n());
    }

    /** DynamoDB's TTL reads whole seconds since the epoch: rounded up, so it never deletes early. */
    static long ttlSeconds(Instant expires) {
        return expires.getEpochSecond() + (expires.getNano() > 0 ? 1 : 0);
    }

    private static AttributeValue string(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /**
     * The client, built at the first call that needs it, as the embedded store opens its file then:
     * a gateway whose clients send no key never needs DynamoDB, nor its region. A failure to build it
     * is thrown to that call, and the next call tries again.
     */
    static final class LazyClient implements AutoCloseable {

        private final Supplier<DynamoDbAsyncClient> clients;
        private volatile DynamoDbAsyncClient client;

        LazyClient(Supplier<DynamoDbAsyncClient> clients) {
            this.clients = clients;
        }

        DynamoDbAsyncClient get() {
            DynamoDbAsyncClient built = client;
            if (built != null) {
                return built;
            }
            synchronized (this) {
                if (client == null) {
                    client = clients.get();
                }
                return client;
            }
        }

        /** The client if it was built, else null. */
        DynamoDbAsyncClient built() {
            return client;
        }

        @Override
        public synchronized void close() {
            if (client != null) {
                client.close();
            }
        }
    }
}
