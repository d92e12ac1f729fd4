package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.metrics.GatewayMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code gateway.streams.<name>.deduplicate-window} through a running gateway in confirmed mode: a
 * sink that counts each event id shows what was sent again.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.sink=firehose",
            "gateway.streams.events.pack-bytes=0B",
            "gateway.streams.events.deduplicate-window=1h",
            "gateway.streams.plain.pack-bytes=0B",
            "gateway.delivery.timeout=2s",
            "gateway.delivery.initial-backoff=20ms",
            "gateway.delivery.max-backoff=100ms",
            "gateway.security.api-keys[0].name=shop",
            "gateway.security.api-keys[0].key=" + EventIdDeduplicationIntegrationTests.SHOP,
            "gateway.security.api-keys[1].name=app",
            "gateway.security.api-keys[1].key=" + EventIdDeduplicationIntegrationTests.APP
        })
@Import(CountingSink.Counting.class)
class EventIdDeduplicationIntegrationTests {

    static final String SHOP = "shop-key-0123456789abcdef";
    static final String APP = "app-key-fedcba9876543210";

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    CountingSink sink;

    @Autowired
    MeterRegistry meters;

    /** The ids live in the embedded store's file: a new one for each run. */
    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws IOException {
        Path directory = Files.createTempDirectory("event-ids");
        registry.add("gateway.idempotency.directory", directory::toString);
    }

    @BeforeEach
    void clear() {
        sink.delivered.clear();
        sink.failing.set(false);
    }

    @Test
    void anEventWhoseIdTheStreamTookIsAcceptedListedAsADuplicateAndNotSentAgainWhoeverSendsIt() throws Exception {
        HttpResponse<String> first = post("/events", SHOP, "[{\"id\":\"d-1\"},{\"id\":\"d-2\"}]");
        HttpResponse<String> second = post("/events", APP, "[{\"id\":\"d-2\",\"again\":true},{\"id\":\"d-3\"}]");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(json.readTree(first.body()).has("duplicates")).isFalse();
        assertThat(second.statusCode()).isEqualTo(200);
        JsonNode answer = json.readTree(second.body());
        assertThat(answer.path("accepted").asInt()).isEqualTo(2);
        assertThat(answer.path("ids").toString()).isEqualTo("[\"d-2\",\"d-3\"]");
        assertThat(answer.path("duplicates").toString()).isEqualTo("[{\"index\":0,\"id\":\"d-2\"}]");
        assertThat(sink.delivered).containsOnlyKeys("d-1", "d-2", "d-3");
        assertThat(sink.delivered.values()).extracting(AtomicInteger::get).containsOnly(1);
        assertThat(meters.get(GatewayMetrics.EVENTS_DUPLICATES)
                        .tags("stream", "events", "key", "app")
                        .counter()
                        .count())
                .isEqualTo(1);
        // The duplicate's room in the buffer was given back, not leaked.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(meters.get(GatewayMetrics.BUFFER_RECORDS)
                                .gauge()
                                .value())
                        .isZero());
    }

    @Test
    void theSameIdTwiceInOneRequestIsSentOnceAndARequestOfDuplicatesOnlySendsNothing() throws Exception {
        HttpResponse<String> twice = post("/events", SHOP, "[{\"id\":\"t-1\"},{\"id\":\"t-1\"}]");
        HttpResponse<String> again = post("/events", SHOP, "{\"id\":\"t-1\"}");

        assertThat(json.readTree(twice.body()).path("duplicates").toString())
                .isEqualTo("[{\"index\":1,\"id\":\"t-1\"}]");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json.readTree(again.body()).path("accepted").asInt()).isEqualTo(1);
        assertThat(json.readTree(again.body()).path("duplicates").toString())
                .isEqualTo("[{\"index\":0,\"id\":\"t-1\"}]");
        assertThat(sink.delivered.get("t-1").get()).isEqualTo(1);
    }

    @Test
    void aStreamWithoutAWindowSendsTheSameIdAgain() throws Exception {
        post("/streams/plain/events", SHOP, "{\"id\":\"p-1\"}");
        HttpResponse<String> again = post("/streams/plain/events", SHOP, "{\"id\":\"p-1\"}");

        assertThat(json.readTree(again.body()).has("duplicates")).isFalse();
        assertThat(sink.delivered.get("p-1").get()).isEqualTo(2);
    }

    @Test
    void anEventThatWasNotDeliveredLeavesItsIdFreeSoTheRetrySendsIt() throws Exception {
        sink.failing.set(true);
        HttpResponse<String> failed = post("/events", SHOP, "[{\"id\":\"ok-1\"},{\"id\":\"flaky-1\"}]");
        sink.failing.set(false);
        HttpResponse<String> retry = post("/events", SHOP, "[{\"id\":\"ok-1\"},{\"id\":\"flaky-1\"}]");

        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(sink.delivered.get("flaky-1").get()).isEqualTo(1);
        // Sent in a call of its own or with the failing one: either way never delivered twice.
        assertThat(sink.delivered.get("ok-1").get()).isEqualTo(1);
    }

    @Test
    void anIdHeldByARunningRequestIsAConflictProblemRatherThanAGuess() throws Exception {
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(
                request("/events", SHOP, "{\"id\":\"slow-d\"}").build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.held.containsKey("slow-d"));

        HttpResponse<String> during = post("/events", APP, "{\"id\":\"slow-d\"}");
        sink.held.get("slow-d").complete(null);

        assertThat(during.statusCode()).isEqualTo(409);
        assertThat(during.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json.readTree(during.body()).path("type").asString()).isEqualTo("/problems/event-id-in-use");
        assertThat(first.get().statusCode()).isEqualTo(200);
        assertThat(sink.delivered.get("slow-d").get()).isEqualTo(1);
    }

    private HttpResponse<String> post(String path, String apiKey, String body)
            throws IOException, InterruptedException {
        return http.send(request(path, apiKey, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String apiKey, String body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + apiKey)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }
}
