package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.FirehoseEmulator;
import io.firehosegateway.support.MotoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Event-id deduplication through a running gateway whose ids live in DynamoDB (moto's, over HTTP):
 * every case of the in-memory store's test, so that a stream's promise is the same with either store.
 */
class DynamoDbEventIdDeduplicationIntegrationTests extends EventIdDeduplicationIntegrationTests {

    private static String table;

    @LocalServerPort
    int gatewayPort;

    @DynamicPropertySource
    static void dynamoDb(DynamicPropertyRegistry registry) {
        System.setProperty("aws.accessKeyId", FirehoseEmulator.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", FirehoseEmulator.SECRET_KEY);
        table = DynamoDbTables.create(MotoServer.endpoint());
        registry.add("gateway.idempotency.store", () -> "dynamodb");
        registry.add("gateway.idempotency.table", () -> table);
        registry.add("gateway.idempotency.endpoint", () -> MotoServer.endpoint().toString());
        registry.add("gateway.aws.region", () -> FirehoseEmulator.REGION);
    }

    @Test
    void theIdsATakenEventLeavesAreInTheSharedTable() throws Exception {
        int before = DynamoDbTables.count(MotoServer.endpoint(), table);
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + gatewayPort + "/events"))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + SHOP)
                                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"in-dynamodb-1\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(DynamoDbTables.count(MotoServer.endpoint(), table)).isEqualTo(before + 1);
    }
}
