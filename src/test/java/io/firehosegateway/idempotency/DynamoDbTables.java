package io.firehosegateway.idempotency;

import io.firehosegateway.support.FirehoseEmulator;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Select;

/** Tables of kept answers on an emulator, shaped as the CloudFormation template makes them. */
final class DynamoDbTables {

    private DynamoDbTables() {}

    /** Creates a new table with the store's key and TTL attribute; returns its name. */
    static String create(URI endpoint) {
        String table =
                "idempotency-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
        try (DynamoDbClient client = syncClient(endpoint)) {
            client.createTable(create -> create.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(definition -> definition
                            .attributeName(DynamoDbIdempotencyStore.KEY)
                            .attributeType(ScalarAttributeType.S))
                    .keySchema(key ->
                            key.attributeName(DynamoDbIdempotencyStore.KEY).keyType(KeyType.HASH)));
            client.updateTimeToLive(ttl -> ttl.tableName(table)
                    .timeToLiveSpecification(spec -> spec.enabled(true).attributeName(DynamoDbIdempotencyStore.TTL)));
        }
        return table;
    }

    /** How many items the table holds, counted by a scan. */
    static int count(URI endpoint, String table) {
        try (DynamoDbClient client = syncClient(endpoint)) {
            return client.scanPaginator(scan -> scan.tableName(table).select(Select.COUNT)).stream()
                    .mapToInt(page -> page.count())
                    .sum();
        }
    }

    /** A client as the gateway's: one attempt per call, a timeout per attempt. */
    static DynamoDbAsyncClient client(URI endpoint, ExecutionInterceptor... interceptors) {
        return DynamoDbAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(FirehoseEmulator.REGION))
                .credentialsProvider(credentials())
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(Duration.ofSeconds(5))
                        .executionInterceptors(List.of(interceptors)))
                .build();
    }

    static DynamoDbClient syncClient(URI endpoint) {
        return DynamoDbClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(FirehoseEmulator.REGION))
                .credentialsProvider(credentials())
                .build();
    }

    static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(
                AwsBasicCredentials.create(FirehoseEmulator.ACCESS_KEY, FirehoseEmulator.SECRET_KEY));
    }
}
