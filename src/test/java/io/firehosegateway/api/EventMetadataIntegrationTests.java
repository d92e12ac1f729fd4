package io.firehosegateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.firehose.FirehoseClientConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code gateway.streams.<name>.metadata}: the facts added under the member the operator picks, the
 * request id echoed on every answer, the member clash, the record limit, and a client address no
 * client can forge.
 *
 * <p>The gateway runs as on Kubernetes ({@code spring.main.cloud-platform}), where Spring Boot would
 * by itself believe {@code X-Forwarded-For} from any private or loopback address, as a pod's is.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.main.cloud-platform=kubernetes",
            "gateway.sink=firehose",
            "gateway.instance=gw-test-1",
            "gateway.streams.events.metadata.member=_meta",
            "gateway.streams.events.metadata.facts=received-at,key,request-id,instance,client-address,schema-hash",
            "gateway.streams.slim.metadata.member=gw",
            "gateway.streams.slim.metadata.facts=request-id",
            "gateway.streams.pages.metadata.facts=origin",
            "gateway.streams.plain.pack-bytes=0B",
            "gateway.security.api-keys[0].name=producer",
            "gateway.security.api-keys[0].key=" + EventMetadataIntegrationTests.KEY
        })
@Import(EventMetadataIntegrationTests.Recording.class)
class EventMetadataIntegrationTests {

    static final String KEY = "producer-key-0123456789abcdef";
    static final int MAX_RECORD_BYTES = 1024;

    private static final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    RecordingSink sink;

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void clear() {
        sink.records.clear();
    }

    @Test
    void addsTheChosenFactsUnderTheChosenMemberAfterTheClientsOwn() throws Exception {
        HttpResponse<String> response = post("/events", "{\"id\":\"a\",\"x\":1}", "X-Request-Id", "req-123");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue("req-123");
        assertThat(sink.records).hasSize(1);
        JsonNode event = json.readTree(sink.records.get(0));
        assertThat(event.propertyNames()).containsExactly("id", "x", "_meta");
        JsonNode meta = event.path("_meta");
        assertThat(meta.propertyNames())
                .containsExactly("receivedAt", "key", "requestId", "instance", "clientAddress", "schemaHash");
        assertThat(meta.path("receivedAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(meta.path("key").asString()).isEqualTo("producer");
        assertThat(meta.path("requestId").asString()).isEqualTo("req-123");
        assertThat(meta.path("instance").asString()).isEqualTo("gw-test-1");
        assertThat(meta.path("clientAddress").asString()).isEqualTo("127.0.0.1");
        // No schema checked this event: the hash is there, null, so every event has the same shape.
        assertThat(meta.path("schemaHash").isNull()).isTrue();
        assertThat(sink.records.get(0)).endsWith("}}\n");
    }

    @Test
    void everyEventOfARequestGetsTheSameFactsAndEventsWithoutAnIdGetOneFirst() throws Exception {
        HttpResponse<String> response =
                post("/events", "[{\"n\":1},{},{\"id\":\"c\"}]", "Content-Type", "application/json");

        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        for (String record : sink.records) {
            events.add(json.readTree(record));
        }
        assertThat(events).hasSize(3);
        assertThat(events.get(1).propertyNames()).containsExactly("id", "_meta");
        assertThat(events)
                .extracting(e -> e.path("_meta"))
                .containsOnly(events.get(0).path("_meta"));
    }

    @Test
    void aMissingOrInvalidRequestIdIsReplacedByOneTheGatewayMakes() throws Exception {
        HttpResponse<String> response = post("/events", "{\"id\":\"b\"}", "X-Request-Id", "has \"quotes\"");

        String id = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(json.readTree(sink.records.get(0))
                        .path("_meta")
                        .path("requestId")
                        .asString())
                .isEqualTo(id);
    }

    @Test
    void problemsCarryTheRequestIdToo() throws Exception {
        HttpResponse<String> unauthorized = send(HttpRequest.newBuilder(uri("/events"))
                .header("Content-Type", "application/json")
                .header("X-Request-Id", "no-key-1")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        HttpResponse<String> malformed = post("/events", "{\"id\":", "X-Request-Id", "bad-json-1");
        HttpResponse<String> unknown = post("/streams/nowhere/events", "{}", "X-Request-Id", "unknown-1");

        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.headers().firstValue("X-Request-Id")).hasValue("no-key-1");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("X-Request-Id")).hasValue("bad-json-1");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("X-Request-Id")).hasValue("unknown-1");
    }

    @Test
    void anEventThatAlreadyHasTheMemberIsRefusedNotOverwritten() throws Exception {
        HttpResponse<String> response = post(
                "/events",
                "{\"id\":\"ok\"}\n{\"id\":\"clash\",\"_meta\":{\"key\":\"someone-else\"}}\n",
                "Content-Type",
                "application/x-ndjson");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.path("type").asString()).isEqualTo("/problems/reserved-member");
        assertThat(problem.path("index").asInt()).isEqualTo(1);
        assertThat(problem.path("line").asInt()).isEqualTo(2);
        assertThat(problem.path("member").asString()).isEqualTo("_meta");
        assertThat(sink.records).isEmpty();
    }

    @Test
    void theMemberIsReservedAtTheTopLevelOnly() throws Exception {
        HttpResponse<String> response =
                post("/events", "{\"id\":\"n\",\"inner\":{\"_meta\":1}}", "X-Request-Id", "n-1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(sink.records.get(0))
                        .path("inner")
                        .path("_meta")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void aClientBehindNoTrustedProxyCannotForgeItsAddress() throws Exception {
        HttpResponse<String> response = post("/events", "{\"id\":\"f\"}", "X-Forwarded-For", "203.0.113.9");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json.readTree(sink.records.get(0))
                        .path("_meta")
                        .path("clientAddress")
                        .asString())
                .isEqualTo("127.0.0.1");
    }

    @Test
    void theMemberCountsInTheStreamsRecordLimit() throws Exception {
        // Fits a record alone, not with the metadata.
        String event = "{\"id\":\"big\",\"p\":\"" + "x".repeat(MAX_RECORD_BYTES - 40) + "\"}";

        HttpResponse<String> withMetadata = post("/events", event, "X-Request-Id", "big-1");
        HttpResponse<String> without = post("/streams/plain/events", event, "X-Request-Id", "big-2");

        assertThat(withMetadata.statusCode()).isEqualTo(413);
        JsonNode problem = json.readTree(withMetadata.body());
        assertThat(problem.path("type").asString()).isEqualTo("/problems/event-too-large");
        assertThat(problem.path("index").asInt()).isZero();
        assertThat(problem.path("id").asString()).isEqualTo("big");
        assertThat(problem.path("limit").asInt()).isEqualTo(MAX_RECORD_BYTES);
        assertThat(without.statusCode()).isEqualTo(200);
        assertThat(sink.records).containsExactly(event + "\n");
    }

    @Test
    void aStreamWithoutMetadataTakesEventsUnchangedAndReservesNoMember() throws Exception {
        HttpResponse<String> response =
                post("/streams/plain/events", "{\"id\":\"p\", \"_meta\":2}", "X-Request-Id", "p");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.records).containsExactly("{\"id\":\"p\",\"_meta\":2}\n");
    }

    @Test
    void onlyTheChosenFactsAreAdded() throws Exception {
        post("/streams/slim/events", "{\"id\":\"s\"}", "X-Request-Id", "slim-1");

        assertThat(sink.records).containsExactly("{\"id\":\"s\",\"gw\":{\"requestId\":\"slim-1\"}}\n");
    }

    @Test
    void theAddedBytesAreReservedInTheBufferAndGivenBackOnDelivery() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(post("/events", "[{\"n\":1},{\"n\":2}]", "X-Request-Id", "buf-" + i)
                            .statusCode())
                    .isEqualTo(200);
        }

        // Had the added bytes not been reserved, delivery would give back more than was held.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(
                                meters.get(GatewayMetrics.BUFFER_BYTES).gauge().value())
                        .isZero());
        assertThat(sink.records).hasSize(10);
    }

    @Test
    void theOriginIsTheRequestsOriginHeader() throws Exception {
        HttpResponse<String> response =
                post("/streams/pages/events", "{\"id\":\"o\"}", "Origin", "https://shop.example.com");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.records)
                .containsExactly("{\"id\":\"o\",\"_meta\":{\"origin\":\"https://shop.example.com\"}}\n");
    }

    @Test
    void aRequestWithoutAnOriginHasANullOne() throws Exception {
        HttpResponse<String> response = post("/streams/pages/events", "{\"id\":\"n\"}", "X-Request-Id", "no-origin");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.records).containsExactly("{\"id\":\"n\",\"_meta\":{\"origin\":null}}\n");
    }

    @Test
    void aHostileOriginIsWrittenAsOneJsonString() throws Exception {
        String hostile = "https://x.example\",\"key\":\"forged\"},\\u0000\t</script>";

        HttpResponse<String> response = post("/streams/pages/events", "{\"id\":\"h\"}", "Origin", hostile);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode meta = json.readTree(sink.records.get(0)).path("_meta");
        assertThat(meta.propertyNames()).containsExactly("origin");
        assertThat(meta.path("origin").asString()).isEqualTo(hostile);
    }

    @Test
    void theOriginCountsInTheStreamsRecordLimit() throws Exception {
        String event = "{\"id\":\"long\"}";
        String longOrigin = "https://" + "a".repeat(MAX_RECORD_BYTES) + ".example";

        HttpResponse<String> response = post("/streams/pages/events", event, "Origin", longOrigin);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(json.readTree(response.body()).path("type").asString()).isEqualTo("/problems/event-too-large");
        assertThat(sink.records).isEmpty();
    }

    @Test
    void aPixelsOriginIsTakenFromItsRefererWithoutPathOrQuery() throws Exception {
        String event = URLEncoder.encode("{\"id\":\"px\"}", StandardCharsets.UTF_8);

        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/streams/pages/pixel?e=" + event))
                .header("Authorization", "Bearer " + KEY)
                .header("Referer", "https://news.example.com:8443/story/7?key=secret&page=2#top")
                .GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.records)
                .containsExactly("{\"id\":\"px\",\"_meta\":{\"origin\":\"https://news.example.com:8443\"}}\n");
    }

    @Test
    void aPixelsOriginHeaderComesBeforeItsReferer() throws Exception {
        String event = URLEncoder.encode("{\"id\":\"po\"}", StandardCharsets.UTF_8);

        send(HttpRequest.newBuilder(uri("/streams/pages/pixel?e=" + event))
                .header("Authorization", "Bearer " + KEY)
                .header("Origin", "https://shop.example.com")
                .header("Referer", "https://news.example.com/story")
                .GET());

        assertThat(sink.records)
                .containsExactly("{\"id\":\"po\",\"_meta\":{\"origin\":\"https://shop.example.com\"}}\n");
    }

    private HttpResponse<String> post(String path, String body, String header, String value) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + KEY)
                .header(header, value)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (!header.equals("Content-Type")) {
            request.header("Content-Type", "application/json");
        }
        return send(request);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Accepts everything, in records of at most 1 KiB, and keeps what it was sent. */
    static final class RecordingSink implements Sink {

        final List<String> records = new CopyOnWriteArrayList<>();

        @Override
        public SinkKind kind() {
            return SinkKind.FIREHOSE;
        }

        @Override
        public SinkLimits limits() {
            return new SinkLimits(10, 64 * 1024, SinkLimits.Encoding.RAW, 0, 0, MAX_RECORD_BYTES, 10, 0);
        }

        @Override
        public CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> batch) {
            for (SinkRecord record : batch) {
                records.add(new String(record.data(), StandardCharsets.UTF_8));
            }
            return CompletableFuture.completedFuture(BatchResult.allAccepted(batch.size()));
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Recording {

        @Bean(FirehoseClientConfiguration.SINK_BEAN)
        RecordingSink recordingSink() {
            return new RecordingSink();
        }
    }
}
