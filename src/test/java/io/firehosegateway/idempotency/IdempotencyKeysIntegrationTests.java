package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * {@code Idempotency-Key} through a running gateway in confirmed mode, whose 200 means the sink took
 * the events: a sink that counts each event id shows what a retry sent again.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.sink=firehose",
            "gateway.streams.events.pack-bytes=0B",
            "gateway.streams.other.pack-bytes=0B",
            "gateway.streams.audit.pack-bytes=0B",
            "gateway.idempotency.required-streams=audit",
            "gateway.idempotency.max-key-length=64",
            "gateway.delivery.timeout=2s",
            "gateway.delivery.initial-backoff=20ms",
            "gateway.delivery.max-backoff=100ms",
            "gateway.security.api-keys[0].name=shop",
            "gateway.security.api-keys[0].key=" + IdempotencyKeysIntegrationTests.SHOP,
            "gateway.security.api-keys[1].name=app",
            "gateway.security.api-keys[1].key=" + IdempotencyKeysIntegrationTests.APP
        })
@Import(CountingSink.Counting.class)
class IdempotencyKeysIntegrationTests {

    static final String SHOP = "shop-key-0123456789abcdef";
    static final String APP = "app-key-fedcba9876543210";

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    CountingSink sink;

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) throws IOException {
        Path directory = Files.createTempDirectory("idempotency-keys");
        registry.add("gateway.idempotency.directory", directory::toString);
    }

    @BeforeEach
    void clear() {
        sink.delivered.clear();
        sink.failing.set(false);
    }

    @Test
    void theSameKeyAgainGetsTheFirstAnswerAndSendsNothingAgain() throws Exception {
        String body = "[{\"id\":\"order-1\",\"total\":12.5},{\"total\":7.1}]";
        HttpResponse<String> first = post("/events", SHOP, "replay-1", body);
        HttpResponse<String> again = post("/events", SHOP, "replay-1", body);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue(IdempotencyKeys.REPLAYED)).isEmpty();
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue(IdempotencyKeys.REPLAYED)).hasValue("true");
        // The gateway gave the second event an id: the answer given again names the same one.
        assertThat(json.readTree(again.body())).isEqualTo(json.readTree(first.body()));
        JsonNode ids = json.readTree(first.body()).path("ids");
        assertThat(sink.delivered)
                .containsOnlyKeys(ids.get(0).asString(), ids.get(1).asString());
        assertThat(sink.delivered.values()).extracting(AtomicInteger::get).containsOnly(1);
    }

    /**
     * The case keys exist for: the answer is lost on the way back. Half of the requests are cut as
     * soon as they are sent, half once the answer's first byte arrived; each is retried with its key
     * until it is no longer running.
     */
    @Test
    void twoHundredRequestsWhoseAnswerWasLostAreRetriedAndEachEventReachesTheSinkOnce() throws Exception {
        int requests = 200;
        for (int i = 0; i < requests; i++) {
            String body = "{\"id\":\"cut-" + i + "\"}";
            try (Socket socket = new Socket("localhost", port)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Authorization: Bearer " + SHOP + "\r\n" + IdempotencyKeys.HEADER + ": cut-" + i
                                + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (i % 2 == 1) {
                    assertThat(socket.getInputStream().read()).isNotEqualTo(-1);
                }
            }
        }

        for (int i = 0; i < requests; i++) {
            String key = "cut-" + i;
            String body = "{\"id\":\"cut-" + i + "\"}";
            HttpResponse<String> retry = await().atMost(Duration.ofSeconds(30))
                    .until(() -> post("/events", SHOP, key, body), response -> response.statusCode() != 409);

            assertThat(retry.statusCode()).as(key).isEqualTo(200);
            assertThat(json.readTree(retry.body()).path("ids").get(0).asString())
                    .isEqualTo(key);
            if (i % 2 == 1) {
                assertThat(retry.headers().firstValue(IdempotencyKeys.REPLAYED))
                        .as(key)
                        .hasValue("true");
            }
        }
        assertThat(sink.delivered).hasSize(requests);
        assertThat(sink.delivered.values()).extracting(AtomicInteger::get).containsOnly(1);
    }

    @Test
    void theSameKeyWithAnotherBodyOrStreamIsAnUnprocessableProblem() throws Exception {
        assertThat(post("/events", SHOP, "reused-1", "{\"id\":\"r-1\"}").statusCode())
                .isEqualTo(200);

        HttpResponse<String> otherBody = post("/events", SHOP, "reused-1", "{\"id\":\"r-2\"}");
        HttpResponse<String> otherStream = post("/streams/other/events", SHOP, "reused-1", "{\"id\":\"r-1\"}");

        for (HttpResponse<String> response : List.of(otherBody, otherStream)) {
            assertThat(response.statusCode()).isEqualTo(422);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json.readTree(response.body()).path("type").asString())
                    .isEqualTo("/problems/idempotency-key-reused");
        }
        assertThat(sink.delivered).containsOnlyKeys("r-1");
        assertThat(sink.delivered.get("r-1").get()).isEqualTo(1);
    }

    @Test
    void theSameKeyWhileTheFirstRunsIsAConflictProblemWithRetryAfter() throws Exception {
        String body = "{\"id\":\"slow-1\"}";
        CompletableFuture<HttpResponse<String>> first = http.sendAsync(
                request("/events", SHOP, "running-1", body).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.held.containsKey("slow-1"));

        HttpResponse<String> during = post("/events", SHOP, "running-1", body);
        sink.held.get("slow-1").complete(null);
        int firstStatus = first.get().statusCode();
        HttpResponse<String> after = post("/events", SHOP, "running-1", body);

        assertThat(during.statusCode()).isEqualTo(409);
        assertThat(during.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json.readTree(during.body()).path("type").asString()).isEqualTo("/problems/idempotency-key-in-use");
        assertThat(firstStatus).isEqualTo(200);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.headers().firstValue(IdempotencyKeys.REPLAYED)).hasValue("true");
        assertThat(sink.delivered.get("slow-1").get()).isEqualTo(1);
    }

    @Test
    void keysAreScopedToTheApiKeySoOneClientNeverGetsOrBlocksAnothersAnswer() throws Exception {
        HttpResponse<String> shop = post("/events", SHOP, "shared-1", "{\"id\":\"shop-1\"}");
        HttpResponse<String> app = post("/events", APP, "shared-1", "{\"id\":\"app-1\"}");

        assertThat(shop.statusCode()).isEqualTo(200);
        assertThat(app.statusCode()).isEqualTo(200);
        assertThat(app.headers().firstValue(IdempotencyKeys.REPLAYED)).isEmpty();
        assertThat(json.readTree(app.body()).path("ids").get(0).asString()).isEqualTo("app-1");
        assertThat(sink.delivered).containsOnlyKeys("shop-1", "app-1");
    }

    @Test
    void aRequestThatFailedIsNotKeptSoTheRetryRunsAgain() throws Exception {
        sink.failing.set(true);
        HttpResponse<String> failed = post("/events", SHOP, "failed-1", "{\"id\":\"flaky-1\"}");
        sink.failing.set(false);
        HttpResponse<String> retry = post("/events", SHOP, "failed-1", "{\"id\":\"flaky-1\"}");

        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(json.readTree(failed.body()).path("type").asString()).isEqualTo("/problems/delivery-failed");
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.headers().firstValue(IdempotencyKeys.REPLAYED)).isEmpty();
        assertThat(sink.delivered).containsOnlyKeys("flaky-1");
    }

    @Test
    void aMalformedOrTooLongKeyIsABadRequestProblemAndNothingIsSent() throws Exception {
        for (String key : new String[] {"", "\"\"", "k".repeat(65), "tab\tinside"}) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/events"))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + SHOP)
                    .header(IdempotencyKeys.HEADER, key)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"bad-key\"}", StandardCharsets.UTF_8)));
            assertThat(response.statusCode()).as(key).isEqualTo(400);
            assertThat(json.readTree(response.body()).path("type").asString())
                    .isEqualTo("/problems/invalid-idempotency-key");
        }
        assertThat(sink.delivered).isEmpty();
    }

    @Test
    void aStreamThatRequiresAKeyRefusesARequestWithoutOne() throws Exception {
        HttpResponse<String> without = send(HttpRequest.newBuilder(uri("/streams/audit/events"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + SHOP)
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"audit-1\"}")));
        HttpResponse<String> with = post("/streams/audit/events", SHOP, "audit-key-1", "{\"id\":\"audit-1\"}");

        assertThat(without.statusCode()).isEqualTo(400);
        assertThat(json.readTree(without.body()).path("type").asString())
                .isEqualTo("/problems/idempotency-key-missing");
        assertThat(with.statusCode()).isEqualTo(200);
        assertThat(sink.delivered).containsOnlyKeys("audit-1");
    }

    @Test
    void theDraftsQuotedFormAndABareKeyAreTheSameKey() throws Exception {
        HttpResponse<String> quoted = post("/events", SHOP, "\"quoted-1\"", "{\"id\":\"q-1\"}");
        HttpResponse<String> bare = post("/events", SHOP, "quoted-1", "{\"id\":\"q-1\"}");

        assertThat(quoted.statusCode()).isEqualTo(200);
        assertThat(bare.headers().firstValue(IdempotencyKeys.REPLAYED)).hasValue("true");
        assertThat(sink.delivered.get("q-1").get()).isEqualTo(1);
    }

    private HttpResponse<String> post(String path, String apiKey, String idempotencyKey, String body)
            throws IOException, InterruptedException {
        return send(request(path, apiKey, idempotencyKey, body));
    }

    private HttpRequest.Builder request(String path, String apiKey, String idempotencyKey, String body) {
        return HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + apiKey)
                .header(IdempotencyKeys.HEADER, idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
