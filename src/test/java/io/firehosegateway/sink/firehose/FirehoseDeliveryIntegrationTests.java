package io.firehosegateway.sink.firehose;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.FirehoseEmulator;
import io.firehosegateway.support.MotoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole path with real parts: HTTP into the running gateway, the real AWS SDK into moto's
 * Firehose, and back out of moto's S3, compared event by event with what was sent.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FirehoseDeliveryIntegrationTests {

    private static final JsonMapper json = JsonMapper.builder().build();
    private static FirehoseEmulator emulator;
    private static String eventsBucket;
    private static String packedBucket;
    private static String packedStream;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void firehose(DynamicPropertyRegistry registry) {
        URI endpoint = MotoServer.endpoint();
        String suffix = Long.toHexString(System.nanoTime());
        emulator = new FirehoseEmulator(endpoint);
        String events = "it-events-" + suffix;
        String packed = "it-packed-" + suffix;
        packedStream = packed;
        eventsBucket = emulator.createStream(events);
        packedBucket = emulator.createStream(packed);
        System.setProperty("aws.accessKeyId", FirehoseEmulator.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", FirehoseEmulator.SECRET_KEY);
        registry.add("gateway.sink", () -> "firehose");
        registry.add("gateway.firehose.endpoint", endpoint::toString);
        registry.add("gateway.aws.region", () -> FirehoseEmulator.REGION);
        registry.add("gateway.default-stream", () -> events);
        registry.add("gateway.streams." + packed + ".pack-bytes", () -> "5KB");
    }

    @AfterAll
    static void closeEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @BeforeAll
    static void requireMoto() {
        MotoServer.endpoint();
    }

    @Test
    void everyEventSentLandsInS3ExactlyAsFramedNdjson() throws Exception {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            sent.add("{\"id\":\"e-" + i + "\",\"n\":" + i + ",\"price\":1.10,\"text\":\"caf\u00e9 \\\"quoted\\\"\"}");
        }
        // One array, one NDJSON body and single events: every way in.
        HttpResponse<String> array =
                post("/events", "application/json", "[" + String.join(",", sent.subList(0, 700)) + "]");
        HttpResponse<String> ndjson =
                post("/events", "application/x-ndjson", String.join("\r\n", sent.subList(700, 1199)) + "\n");
        HttpResponse<String> single = post("/events", "application/json", sent.get(1199));

        assertThat(array.statusCode()).as(array.body()).isEqualTo(200);
        assertThat(ndjson.statusCode()).as(ndjson.body()).isEqualTo(200);
        assertThat(single.statusCode()).as(single.body()).isEqualTo(200);
        assertThat(json.readTree(array.body()).get("accepted").asInt()).isEqualTo(700);

        // Confirmed mode: a 200 means Firehose accepted everything, so it is in S3 already.
        List<String> landed = emulator.lines(eventsBucket).stream()
                .filter(line -> line.startsWith("{\"id\":\"e-"))
                .toList();
        assertThat(landed).containsExactlyInAnyOrderElementsOf(sent);
        // Batches are at most 500 records: 1200 events cannot land in fewer than 3 calls.
        assertThat(emulator.objects(eventsBucket)).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void eventsWithoutIdGetOneThatLandsWithThem() throws Exception {
        HttpResponse<String> created = post("/events", "application/json", "[{\"a\":1},{\"b\":2}]");
        assertThat(created.statusCode()).isEqualTo(200);
        JsonNode ids = json.readTree(created.body()).get("ids");
        Set<String> expected =
                new TreeSet<>(List.of(ids.get(0).asString(), ids.get(1).asString()));
        Set<String> found = new TreeSet<>();
        for (String line : emulator.lines(eventsBucket)) {
            JsonNode event = json.readTree(line);
            if (expected.contains(event.get("id").asString())) {
                found.add(event.get("id").asString());
                assertThat(line).startsWith("{\"id\":\"");
            }
        }
        assertThat(found).isEqualTo(expected);
    }

    @Test
    void packedStreamPutsManyEventsInOneRecordAndEachStillLandsWhole() throws Exception {
        List<String> sent = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            String event = "{\"id\":\"p-" + i + "\",\"payload\":\"" + "x".repeat(150) + "\"}";
            sent.add(event);
            body.append(event).append('\n');
        }
        HttpResponse<String> response =
                post("/streams/" + packedStream + "/events", "application/x-ndjson", body.toString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(emulator.lines(packedBucket)).containsExactlyInAnyOrderElementsOf(sent);
        // About 180 bytes an event in 5 KB records: 28 a record, so 1000 events fit one call.
        assertThat(emulator.objects(packedBucket)).hasSize(1);
    }

    @Test
    void unknownStreamIsNotFoundAndSendsNothing() throws Exception {
        HttpResponse<String> response = post("/streams/no-such-stream/events", "application/json", "{\"a\":1}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json.readTree(response.body()).get("type").asString()).isEqualTo("/problems/unknown-stream");
    }

    @Test
    void healthShowsWhatFirehoseSaidOfEachStreamAtStart() {
        // The describe call is made once the application is ready and answered asynchronously: on a
        // busy machine the first health check can still find it DESCRIBING.
        JsonNode firehose = Awaitility.await("Firehose's answer to DescribeDeliveryStream")
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> json.readTree(http.send(
                                                HttpRequest.newBuilder(URI.create(
                                                                "http://localhost:" + port + "/actuator/health"))
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString())
                                        .body())
                                .get("components")
                                .get("firehose"),
                        component -> !component
                                .get("details")
                                .get("streamsAtStart")
                                .get(packedStream)
                                .asString()
                                .equals("DESCRIBING"));

        assertThat(firehose.get("status").asString()).isEqualTo("UP");
        assertThat(firehose.get("details")
                        .get("streamsAtStart")
                        .get(packedStream)
                        .asString())
                .isEqualTo("ACTIVE");
    }

    @Test
    void preferRespondAsyncAnswers202AtOnceAndTheEventsStillLand() throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/events"))
                        .header("Content-Type", "application/json")
                        .header("Prefer", "respond-async")
                        .POST(HttpRequest.BodyPublishers.ofString("[{\"id\":\"async-1\"},{\"id\":\"async-2\"}]"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Preference-Applied")).hasValue("respond-async");
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(emulator.lines(eventsBucket))
                        .contains("{\"id\":\"async-1\"}", "{\"id\":\"async-2\"}"));
    }

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
