package io.firehosegateway.idempotency;

import io.firehosegateway.sink.aws.AwsFailures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The event ids of deduplicating streams in the DynamoDB table of the idempotency keys, shared by
 * every replica: one item per stream and id, under a key no idempotency key can have (a second
 * line break). Each id is its own conditional write, all of a request's sent at once: claimed
 * when absent or expired, its item then {@code held} by this replica until the lease ends; kept or
 * released only while this replica's claim is the item's.
 *
 * <p>Why not in one call: {@code BatchWriteItem} takes no conditions, and {@code TransactWriteItems}
 * fails whole when one id is taken (a duplicate is the case it exists for), so a claim would need a
 * second call without that id, each at twice the write units of a plain write.
 */
final class DynamoDbEventIdStore implements EventIdStore {

    private static final String PREFIX = "event-id\n";
    private static final String EXPIRES_AT = "expiresAt";
    private static final String HELD = "held";
    private static final String OWNER = "owner";

    private final DynamoDbIdempotencyStore.LazyClient client;
    private final String table;
    /** This replica: a claim's owner, which its keep and release must find. */
    private final String owner = UUID.randomUUID().toString();

    DynamoDbEventIdStore(Supplier<DynamoDbAsyncClient> clients, String table) {
        this.client = new DynamoDbIdempotencyStore.LazyClient(clients);
        this.table = table;
    }

    @Override
    public List<IdState> claim(String stream, List<String> ids, Instant now, Instant leaseExpires) {
        return each(
                ids,
                id -> client.get()
                        .putItem(put -> put.tableName(table)
                                .item(Map.of(
                                        DynamoDbIdempotencyStore.KEY,
                                        AttributeValue.fromS(key(stream, id)),
                                        HELD,
                                        AttributeValue.fromBool(true),
                                        OWNER,
                                        AttributeValue.fromS(owner),
                                        EXPIRES_AT,
                                        number(leaseExpires.toEpochMilli()),
                                        DynamoDbIdempotencyStore.TTL,
                                        number(DynamoDbIdempotencyStore.ttlSeconds(leaseExpires))))
                                .conditionExpression("attribute_not_exists(#key) OR #expiresAt <= :now")
                                .expressionAttributeNames(
                                        Map.of("#key", DynamoDbIdempotencyStore.KEY, "#expiresAt", EXPIRES_AT))
                                .expressionAttributeValues(Map.of(":now", number(now.toEpochMilli())))
                                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))
                        .handle((written, error) -> {
                            if (error == null) {
                                return IdState.CLAIMED;
                            }
                            if (AwsFailures.unwrap(error) instanceof ConditionalCheckFailedException refused) {
                                // The old item is what refused the claim; without it, HELD is the answer
                                // that neither sends a duplicate nor calls an event taken that was not.
                                return refused.hasItem() && !refused.item().containsKey(HELD)
                                        ? IdState.TAKEN
                                        : IdState.HELD;
                            }
                            throw new CompletionException(error);
                        }));
    }

    @Override
    public void keep(String stream, Collection<String> ids, Instant expires) {
        each(
                ids,
                id -> conditionally(client.get()
                        .putItem(put -> put.tableName(table)
                                .item(Map.of(
                                        DynamoDbIdempotencyStore.KEY,
                                        AttributeValue.fromS(key(stream, id)),
                                        EXPIRES_AT,
                                        number(expires.toEpochMilli()),
                                        DynamoDbIdempotencyStore.TTL,
                                        number(DynamoDbIdempotencyStore.ttlSeconds(expires))))
                                .conditionExpression("#owner = :owner")
                                .expressionAttributeNames(Map.of("#owner", OWNER))
                                .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner))))));
    }

    @Override
    public void release(String stream, Collection<String> ids) {
        each(
                ids,
                id -> conditionally(client.get()
                        .deleteItem(delete -> delete.tableName(table)
                                .key(Map.of(DynamoDbIdempotencyStore.KEY, AttributeValue.fromS(key(stream, id))))
                                .conditionExpression("#owner = :owner AND attribute_exists(#held)")
                                .expressionAttributeNames(Map.of("#owner", OWNER, "#held", HELD))
                                .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS(owner))))));
    }

    /** DynamoDB's TTL drops expired ids itself; a claim already takes an expired one. */
    @Override
    public int dropExpired(Instant now, int max) {
        return 0;
    }

    @Override
    public void close() {
        client.close();
    }

    /**
     * Sends one call per id at once and answers in their order; any fault but a refused condition
     * fails the whole as the store's.
     */
    private <T> List<T> each(Collection<String> ids, Function<String, CompletableFuture<T>> call) {
        try {
            List<CompletableFuture<T>> calls = new ArrayList<>(ids.size());
            for (String id : ids) {
                calls.add(call.apply(id));
            }
            List<T> results = new ArrayList<>(calls.size());
            for (CompletableFuture<T> each : calls) {
                results.add(each.join());
            }
            return results;
        } catch (RuntimeException e) {
            Throwable cause = AwsFailures.unwrap(e);
            throw new IdempotencyStoreException(
                    "Could not read or write event ids in DynamoDB table " + table + " (" + AwsFailures.codeOf(cause)
                            + ")",
                    cause);
        }
    }

    /** A write whose condition found the id no longer this replica's: another replica's now. */
    private static <T> CompletableFuture<Boolean> conditionally(CompletableFuture<T> write) {
        return write.handle((written, error) -> {
            if (error == null) {
                return true;
            }
            if (AwsFailures.unwrap(error) instanceof ConditionalCheckFailedException) {
                return false;
            }
            throw new CompletionException(error);
        });
    }

    /** A second line break: an idempotency key is a client's name, one line break, a one-line key. */
    private static String key(String stream, String id) {
        return PREFIX + stream + "\n" + id;
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
