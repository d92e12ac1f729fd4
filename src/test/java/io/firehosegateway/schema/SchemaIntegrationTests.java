package io.firehosegateway.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.support.StreamRecordingSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
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
 * Schemas through the real HTTP API in each delivery mode: {@code orders} rejects invalid events,
 * {@code clicks} routes them to {@code clicks-invalid}, {@code signups} picks its schema by
 * {@code /type}.
 */
class SchemaIntegrationTests {

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();

    static void gateway(DynamicPropertyRegistry registry, String mode) throws IOException {
        Path work = Files.createTempDirectory("schemas-" + mode);
        Path schemas = work.resolve("schemas");
        registry.add("gateway.sink", () -> "firehose");
        registry.add("gateway.delivery.mode", () -> mode);
        registry.add("gateway.journal.directory", () -> work.resolve("journal").toString());
        registry.add(
                "gateway.delivery.dead-letter-directory",
                () -> work.resolve("dead-letter").toString());
        registry.add(
                "gateway.streams.orders.schema",
                () -> SchemaTestFiles.write(schemas, "order.json", SchemaTestFiles.ORDER)
                        .toString());
        registry.add(
                "gateway.streams.clicks.schema",
                () -> "file:" + SchemaTestFiles.write(schemas, "click.json", SchemaTestFiles.CLICK));
        registry.add("gateway.streams.clicks.on-invalid", () -> "route:clicks-invalid");
        registry.add("gateway.streams.clicks-invalid.pack-bytes", () -> "0B");
        registry.add("gateway.streams.signups.schema-by", () -> "/type");
        registry.add("gateway.streams.signups.schemas[0].value", () -> "signup");
        registry.add(
                "gateway.streams.signups.schemas[0].schema",
                () -> SchemaTestFiles.write(schemas, "signup.json", SchemaTestFiles.SIGNUP)
                        .toString());
        registry.add("gateway.streams.signups.schemas[1].value", () -> "purchase");
        registry.add(
                "gateway.streams.signups.schemas[1].schema",
                () -> SchemaTestFiles.write(schemas, "purchase.json", SchemaTestFiles.PURCHASE)
                        .toString());
    }

    /** What every mode must do. */
    abstract static class EveryMode {

        @LocalServerPort
        int port;

        @Autowired
        StreamRecordingSink sink;

        abstract int success();

        @Test
        void aRejectingStreamRefusesTheWholeRequestNamingEachInvalidEventAndDeliversNothingOfIt() throws Exception {
            String bad =
                    "{\"id\":\"order-bad\",\"type\":\"refund\",\"at\":\"yesterday\",\"total\":-1,\"currency\":\"EUR\"}";
            HttpResponse<String> answer =
                    post("/streams/orders/events", "[" + SchemaTestFiles.order(1) + "," + bad + "]");

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = json.readTree(answer.body());
            assertThat(problem.get("type").asString()).isEqualTo("/problems/schema-violation");
            assertThat(problem.get("invalidCount").asInt()).isEqualTo(1);
            JsonNode failure = problem.get("invalid").get(0);
            assertThat(failure.get("index").asInt()).isEqualTo(1);
            assertThat(failure.get("id").asString()).isEqualTo("order-bad");
            List<String> found = new ArrayList<>();
            failure.get("violations")
                    .forEach(v -> found.add(
                            v.get("pointer").asString() + " " + v.get("keyword").asString()));
            assertThat(found)
                    .contains("/type enum", "/at format", "/total minimum", " required")
                    .hasSizeLessThanOrEqualTo(10);

            // A valid request sent after it is delivered; the refused one never is.
            assertThat(post("/streams/orders/events", SchemaTestFiles.order(2)).statusCode())
                    .isEqualTo(success());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ids(sink.of("orders")).contains("order-2"));
            assertThat(ids(sink.of("orders"))).doesNotContain("order-1", "order-bad");
        }

        @Test
        void aRoutingStreamSendsValidEventsOnAndEachInvalidOneWholeInAWrapperToTheTarget() throws Exception {
            String tag = Long.toHexString(System.nanoTime());
            String invalid = "{\"id\":\"bad-" + tag + "\",\"page\":7,\"ms\":\"slow\"}";
            HttpResponse<String> answer = post(
                    "/streams/clicks/events",
                    "[{\"id\":\"ok1-" + tag + "\",\"page\":\"/\"}," + invalid + ",{\"id\":\"ok2-" + tag
                            + "\",\"page\":\"/a\"}]");

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(success());
            JsonNode body = json.readTree(answer.body());
            assertThat(body.get("accepted").asInt()).isEqualTo(2);
            assertThat(body.get("invalid").asInt()).isEqualTo(1);
            assertThat(body.get("routedTo").asString()).isEqualTo("clicks-invalid");
            assertThat(body.get("invalidEvents").get(0).get("index").asInt()).isEqualTo(1);
            assertThat(body.get("invalidEvents").get(0).get("id").asString()).isEqualTo("bad-" + tag);
            assertThat(ids(body.get("ids"))).containsExactly("ok1-" + tag, "ok2-" + tag);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(ids(sink.of("clicks"))).contains("ok1-" + tag, "ok2-" + tag);
                assertThat(ids(sink.of("clicks-invalid"))).contains("bad-" + tag);
            });
            assertThat(ids(sink.of("clicks"))).doesNotContain("bad-" + tag);
            JsonNode wrapper = sink.of("clicks-invalid").stream()
                    .filter(w -> w.get("id").asString().equals("bad-" + tag))
                    .findFirst()
                    .orElseThrow();
            assertThat(wrapper.get("invalidFor").asString()).isEqualTo("clicks");
            assertThat(wrapper.get("receivedAt").asString())
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(wrapper.get("schema").get("location").asString()).endsWith("click.json");
            assertThat(wrapper.get("schema").get("hash").asString()).matches("sha256:[0-9a-f]{64}");
            assertThat(wrapper.get("violations").get(0).get("pointer").asString())
                    .isIn("/page", "/ms");
            assertThat(wrapper.get("violationCount").asInt()).isEqualTo(2);
            assertThat(wrapper.get("event")).isEqualTo(json.readTree(invalid));
        }

        HttpResponse<String> post(String path, String body) throws Exception {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> get(String path) throws Exception {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    static List<String> ids(List<JsonNode> events) {
        return events.stream().map(e -> e.get("id").asString()).toList();
    }

    static List<String> ids(JsonNode array) {
        List<String> ids = new ArrayList<>();
        array.forEach(id -> ids.add(id.asString()));
        return ids;
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @Import(StreamRecordingSink.Configuration.class)
    class Confirmed extends EveryMode {

        @Autowired
        MeterRegistry meters;

        @DynamicPropertySource
        static void confirmed(DynamicPropertyRegistry registry) throws IOException {
            gateway(registry, "confirmed");
        }

        @Override
        int success() {
            return 200;
        }

        @Test
        void schemaByPicksEachEventsSchemaAndAnUnknownOrMissingValueIsInvalid() throws Exception {
            HttpResponse<String> ok = post(
                    "/streams/signups/events",
                    "[{\"type\":\"signup\",\"email\":\"ada@example.com\"},{\"type\":\"purchase\",\"amount\":3}]");
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            double before = invalid("signups", "unknown");
            double rejectedBefore = rejected("signups");

            HttpResponse<String> bad = post(
                    "/streams/signups/events",
                    "[{\"type\":\"signup\",\"email\":\"not an address\"},{\"type\":\"purchase\",\"amount\":\"3\"},"
                            + "{\"type\":\"refund\"},{\"amount\":1}]");

            assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
            JsonNode invalid = json.readTree(bad.body()).get("invalid");
            assertThat(invalid).hasSize(4);
            assertThat(invalid.get(0).get("schema").asString()).isEqualTo("signup");
            assertThat(invalid.get(0).get("violations").get(0).get("keyword").asString())
                    .isEqualTo("format");
            assertThat(invalid.get(1).get("schema").asString()).isEqualTo("purchase");
            assertThat(invalid.get(2).get("violations").get(0).get("keyword").asString())
                    .isEqualTo("schema-by");
            assertThat(invalid.get(3).get("violations").get(0).get("pointer").asString())
                    .isEqualTo("/type");
            assertThat(invalid("signups", "unknown") - before).isEqualTo(2.0);
            assertThat(invalid("signups", "signup")).isGreaterThanOrEqualTo(1.0);
            // A refused request's events count as rejected, each once.
            assertThat(rejected("signups") - rejectedBefore).isEqualTo(4.0);
        }

        @Test
        void aThousandEventRequestWithOneInvalidEventIsRefusedNamingThatOne() throws Exception {
            StringBuilder ndjson = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                ndjson.append(
                                i == 737
                                        ? "{\"id\":\"order-737\",\"type\":\"order\"}"
                                        : SchemaTestFiles.order(10_000 + i))
                        .append('\n');
            }
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/streams/orders/events"))
                            .header("Content-Type", "application/x-ndjson")
                            .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
            JsonNode problem = json.readTree(answer.body());
            assertThat(problem.get("invalidCount").asInt()).isEqualTo(1);
            assertThat(problem.get("invalid").get(0).get("index").asInt()).isEqualTo(737);
            assertThat(problem.get("invalid").get(0).get("id").asString()).isEqualTo("order-737");
            assertThat(ids(sink.of("orders"))).doesNotContain("order-10000");
        }

        @Test
        void validateAnswersWhatTheEventsWouldGetAndDeliversNothing() throws Exception {
            String tag = Long.toHexString(System.nanoTime());
            HttpResponse<String> answer = post(
                    "/streams/clicks/validate",
                    "[{\"id\":\"v1-" + tag + "\",\"page\":\"/\"},{\"id\":\"v2-" + tag + "\"}]");

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode body = json.readTree(answer.body());
            assertThat(body.get("events").asInt()).isEqualTo(2);
            assertThat(body.get("valid").asInt()).isEqualTo(1);
            assertThat(body.get("outcome").asString()).isEqualTo("routed");
            assertThat(body.get("routedTo").asString()).isEqualTo("clicks-invalid");
            assertThat(body.get("invalid").get(0).get("index").asInt()).isEqualTo(1);
            assertThat(body.get("invalid")
                            .get(0)
                            .get("violations")
                            .get(0)
                            .get("keyword")
                            .asString())
                    .isEqualTo("required");
            assertThat(json.readTree(post("/streams/orders/validate", "{\"id\":\"x\"}")
                                    .body())
                            .get("outcome")
                            .asString())
                    .isEqualTo("rejected");
            assertThat(json.readTree(post("/streams/events/validate", "{\"any\":1}")
                                    .body())
                            .get("outcome")
                            .asString())
                    .isEqualTo("accepted");
            assertThat(post("/streams/nope/validate", "{}").statusCode()).isEqualTo(404);

            // Delivered: nothing (a later request's event arrives first).
            post("/streams/clicks/events", "{\"id\":\"after-" + tag + "\",\"page\":\"/\"}");
            assertThat(ids(sink.of("clicks"))).contains("after-" + tag).doesNotContain("v1-" + tag);
            assertThat(ids(sink.of("clicks-invalid"))).doesNotContain("v2-" + tag);
        }

        @Test
        void theSchemaEndpointPublishesTheSchemasInForce() throws Exception {
            JsonNode orders = json.readTree(get("/streams/orders/schema").body());
            assertThat(orders.get("onInvalid").asString()).isEqualTo("reject");
            assertThat(orders.get("formatAssertions").asBoolean()).isTrue();
            assertThat(orders.get("schemas").get(0).get("hash").asString()).startsWith("sha256:");
            assertThat(orders.get("schemas").get(0).get("schema")).isEqualTo(json.readTree(SchemaTestFiles.ORDER));

            JsonNode signups = json.readTree(get("/streams/signups/schema").body());
            assertThat(signups.get("schemaBy").asString()).isEqualTo("/type");
            assertThat(signups.get("schemas"))
                    .extracting(s -> s.get("value").asString())
                    .containsExactly("purchase", "signup");

            JsonNode none = json.readTree(get("/streams/events/schema").body());
            assertThat(none.get("schemas")).isEmpty();
            assertThat(get("/streams/nope/schema").statusCode()).isEqualTo(404);
        }

        @Test
        void aWrapperLargerThanTheTargetsLargestRecordIsRefusedAtAdmission() throws Exception {
            // Valid as an event (under 4,000 bytes), over it once wrapped.
            String big = "{\"id\":\"big\",\"page\":1,\"pad\":\"" + "x".repeat(3800) + "\"}";

            HttpResponse<String> answer = post("/streams/clicks/events", big);

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
            JsonNode problem = json.readTree(answer.body());
            assertThat(problem.get("type").asString()).isEqualTo("/problems/event-too-large");
            assertThat(problem.get("index").asInt()).isZero();
            assertThat(problem.get("detail").asString()).contains("clicks-invalid");
        }

        @Test
        void aTooLargeWrapperNamesItsLimitAsLimitAsEveryTooLargeEventDoes() throws Exception {
            String big = "{\"id\":\"big-limit\",\"page\":1,\"pad\":\"" + "x".repeat(3800) + "\"}";

            HttpResponse<String> answer = post("/streams/clicks/events", big);

            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
            JsonNode problem = json.readTree(answer.body());
            assertThat(problem.path("limit").asInt())
                    .as(answer.body())
                    .isEqualTo(StreamRecordingSink.LIMITS.maxRecordBytes());
            assertThat(problem.has("maxBytes")).as(answer.body()).isFalse();
            assertThat(problem.get("title").asString()).doesNotContain("Firehose");
        }

        private double rejected(String stream) {
            var counter = meters.find("gateway.events.received")
                    .tag("stream", stream)
                    .tag("outcome", "rejected")
                    .counter();
            return counter == null ? 0 : counter.count();
        }

        private double invalid(String stream, String schema) {
            var counter = meters.find("gateway.events.invalid")
                    .tag("stream", stream)
                    .tag("schema", schema)
                    .counter();
            return counter == null ? 0 : counter.count();
        }
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @Import(StreamRecordingSink.Configuration.class)
    class Journaled extends EveryMode {

        @DynamicPropertySource
        static void journaled(DynamicPropertyRegistry registry) throws IOException {
            gateway(registry, "journaled");
        }

        @Override
        int success() {
            return 202;
        }
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @Import(StreamRecordingSink.Configuration.class)
    class Buffered extends EveryMode {

        @DynamicPropertySource
        static void buffered(DynamicPropertyRegistry registry) throws IOException {
            gateway(registry, "buffered");
        }

        @Override
        int success() {
            return 202;
        }
    }
}
