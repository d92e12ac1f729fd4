package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.FirehoseEmulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * A gateway whose DynamoDB store fails, throttled or hung up on: a request with a key is a clear
 * 503 with {@code Retry-After} and nothing of it is sent; a request without one is not affected.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.sink=firehose",
            "gateway.streams.events.pack-bytes=0B",
            "gateway.idempotency.store=dynamodb",
            "gateway.idempotency.table=idempotency",
            "gateway.aws.region=" + FirehoseEmulator.REGION
        })
@Import(CountingSink.Counting.class)
class DynamoDbStoreFaultIntegrationTests {

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static DynamoDbFaults dynamoDb;

    @LocalServerPort
    int port;

    @Autowired
    CountingSink sink;

    @DynamicPropertySource
    static void failingDynamoDb(DynamicPropertyRegistry registry) throws IOException {
        System.setProperty("aws.accessKeyId", FirehoseEmulator.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", FirehoseEmulator.SECRET_KEY);
        dynamoDb = DynamoDbFaults.start();
        registry.add("gateway.idempotency.endpoint", () -> dynamoDb.endpoint().toString());
    }

    @AfterAll
    static void stop() {
        dynamoDb.close();
    }

    @BeforeEach
    void clear() {
        sink.delivered.clear();
        dynamoDb.hangUp(false);
    }

    @Test
    void aThrottledStoreRefusesARequestWithAKeyAndSendsNothing() throws Exception {
        int before = dynamoDb.calls();
        HttpResponse<String> response = post("throttled-1", "{\"id\":\"throttled-1\"}");

        assertRefusedByTheStore(response);
        assertThat(dynamoDb.calls()).isGreaterThan(before);
        assertThat(sink.delivered).isEmpty();
    }

    @Test
    void aStoreThatHangsUpRefusesARequestWithAKeyAndSendsNothing() throws Exception {
        dynamoDb.hangUp(true);
        int before = dynamoDb.calls();
        HttpResponse<String> response = post("hung-up-1", "{\"id\":\"hung-up-1\"}");

        assertRefusedByTheStore(response);
        assertThat(dynamoDb.calls()).isGreaterThan(before);
        assertThat(sink.delivered).isEmpty();
    }

    @Test
    void aRequestWithoutAKeyIsNotAffectedByTheStoresOutage() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"keyless-1\"}")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.delivered).containsOnlyKeys("keyless-1");
    }

    private static void assertRefusedByTheStore(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        assertThat(json.readTree(response.body()).path("type").asString())
                .isEqualTo("/problems/idempotency-store-unavailable");
    }

    private HttpResponse<String> post(String key, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri())
                .header("Content-Type", "application/json")
                .header(IdempotencyKeys.HEADER, key)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri() {
        return URI.create("http://localhost:" + port + "/events");
    }
}
