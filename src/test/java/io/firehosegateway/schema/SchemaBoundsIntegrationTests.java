package io.firehosegateway.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.support.StreamRecordingSink;
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
 * A whole number past a {@code long} ({@code 1e19}, {@code 1.0e19}, {@code 1e400}) against an
 * {@code integer}'s bound, over HTTP: it is JSON that breaks the bound, so it gets what any invalid
 * event gets on its stream, and no answer names the validator's or the parser's classes. {@code
 * events} (the default stream) rejects, {@code counts} routes to {@code counts-invalid}, {@code
 * kinds} picks its schema by {@code /kind}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(StreamRecordingSink.Configuration.class)
class SchemaBoundsIntegrationTests {

    private static final String QUANTITY = """
            {"type": "object", "properties": {"qty": {"type": "integer", "maximum": 10, "minimum": -10}}}
            """;
    private static final List<String> PAST_A_LONG = List.of("1e19", "1.0e19", "1e400");

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    StreamRecordingSink sink;

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) throws IOException {
        Path work = Files.createTempDirectory("schema-bounds");
        Path schemas = work.resolve("schemas");
        String quantity =
                SchemaTestFiles.write(schemas, "quantity.json", QUANTITY).toString();
        registry.add("gateway.sink", () -> "firehose");
        registry.add("gateway.delivery.mode", () -> "confirmed");
        registry.add("gateway.journal.directory", () -> work.resolve("journal").toString());
        registry.add(
                "gateway.delivery.dead-letter-directory",
                () -> work.resolve("dead-letter").toString());
        registry.add("gateway.streams.events.schema", () -> quantity);
        registry.add("gateway.streams.counts.schema", () -> quantity);
        registry.add("gateway.streams.counts.on-invalid", () -> "route:counts-invalid");
        registry.add("gateway.streams.counts-invalid.pack-bytes", () -> "0B");
        registry.add("gateway.streams.kinds.schema-by", () -> "/kind");
        registry.add("gateway.streams.kinds.schemas[0].value", () -> "stock");
        registry.add("gateway.streams.kinds.schemas[0].schema", () -> quantity);
    }

    @Test
    void aWholeNumberPastALongOverAnIntegersMaximumIsASchemaViolationNamingTheBound() throws Exception {
        for (String path : List.of("/events", "/streams/events/events")) {
            for (String number : PAST_A_LONG) {
                HttpResponse<String> answer = post(path, "{\"id\":\"big\",\"qty\":" + number + "}");

                assertViolation(answer, path + " " + number, "/qty maximum");
            }
        }
        assertViolation(post("/events", "{\"id\":\"small\",\"qty\":-1e400}"), "-1e400", "/qty minimum");
    }

    @Test
    void onARoutingStreamTheBigNumberIsRoutedAndTheRequestsValidEventsDelivered() throws Exception {
        String tag = Long.toHexString(System.nanoTime());
        StringBuilder body = new StringBuilder("[{\"id\":\"ok-" + tag + "\",\"qty\":3}");
        for (int i = 0; i < PAST_A_LONG.size(); i++) {
            body.append(",{\"id\":\"big").append(i).append('-').append(tag).append("\",\"qty\":");
            body.append(PAST_A_LONG.get(i)).append('}');
        }
        HttpResponse<String> answer =
                post("/streams/counts/events", body.append(']').toString());

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode accepted = json.readTree(answer.body());
        assertThat(accepted.get("accepted").asInt()).isEqualTo(1);
        assertThat(accepted.get("invalid").asInt()).isEqualTo(3);
        assertThat(accepted.get("routedTo").asString()).isEqualTo("counts-invalid");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(SchemaIntegrationTests.ids(sink.of("counts"))).containsExactly("ok-" + tag);
            assertThat(SchemaIntegrationTests.ids(sink.of("counts-invalid")))
                    .containsExactlyInAnyOrder("big0-" + tag, "big1-" + tag, "big2-" + tag);
        });
        for (JsonNode wrapper : sink.of("counts-invalid")) {
            assertThat(violations(wrapper)).as(wrapper.toString()).containsExactly("/qty maximum");
        }
    }

    @Test
    void validateSaysWhatABigNumberWouldGetOnARejectingAndARoutingStream() throws Exception {
        for (String stream : List.of("events", "counts")) {
            for (String number : PAST_A_LONG) {
                HttpResponse<String> answer =
                        post("/streams/" + stream + "/validate", "{\"id\":\"big\",\"qty\":" + number + "}");

                assertThat(answer.statusCode())
                        .as(stream + " " + number + ": " + answer.body())
                        .isEqualTo(200);
                JsonNode validation = json.readTree(answer.body());
                assertThat(validation.get("outcome").asString())
                        .isEqualTo(stream.equals("events") ? "rejected" : "routed");
                assertThat(violations(validation.get("invalid").get(0))).containsExactly("/qty maximum");
            }
        }
    }

    @Test
    void aSchemaByStreamChecksTheBigNumberAgainstTheChosenSchema() throws Exception {
        for (String number : PAST_A_LONG) {
            HttpResponse<String> answer =
                    post("/streams/kinds/events", "{\"id\":\"big\",\"kind\":\"stock\",\"qty\":" + number + "}");

            assertViolation(answer, number, "/qty maximum");
            assertThat(json.readTree(answer.body())
                            .get("invalid")
                            .get(0)
                            .get("schema")
                            .asString())
                    .isEqualTo("stock");
        }
    }

    /**
     * A number whose exponent no decimal can hold (a {@code BigDecimal}'s scale is an {@code int}) is
     * JSON, but no schema can be checked on it: the request is refused whole, as a JSON limit, on every
     * stream with a schema and on {@code validate}, never answered 500; the largest exponent a decimal
     * holds is still checked against the bound.
     */
    @Test
    void aNumberWhoseExponentNoDecimalHoldsIsRefusedWholeAsAJsonLimit() throws Exception {
        String tag = Long.toHexString(System.nanoTime());
        List<String> paths =
                List.of("/events", "/streams/counts/events", "/streams/kinds/events", "/streams/events/validate");
        List<String> unholdable =
                List.of("99999999999999999e99999999999999999999999", "1e2147483648", "-1e-2147483649");
        for (String path : paths) {
            for (String number : unholdable) {
                String what = path + " " + number;
                HttpResponse<String> answer = post(
                        path,
                        "[{\"id\":\"ok-" + tag + "\",\"kind\":\"stock\",\"qty\":1}," + "{\"id\":\"huge-" + tag
                                + "\",\"kind\":\"stock\",\"qty\":" + number + "}]");

                assertThat(answer.statusCode()).as(what + ": " + answer.body()).isEqualTo(400);
                assertThat(answer.headers().firstValue("Content-Type")).as(what).hasValue("application/problem+json");
                JsonNode problem = json.readTree(answer.body());
                assertThat(problem.get("type").asString()).as(what).isEqualTo("/problems/json-limit-exceeded");
                assertThat(problem.get("detail").asString()).as(what).contains(number, "schema cannot be checked");
                assertThat(problem.get("index").asInt()).as(what).isEqualTo(1);
            }
        }
        assertViolation(post("/events", "{\"id\":\"edge\",\"qty\":1e2147483647}"), "1e2147483647", "/qty maximum");
        assertViolation(post("/events", "{\"id\":\"edge\",\"qty\":-1e2147483647}"), "-1e2147483647", "/qty minimum");
        for (String stream : List.of("events", "counts", "counts-invalid", "kinds")) {
            assertThat(SchemaIntegrationTests.ids(sink.of(stream)))
                    .as(stream)
                    .doesNotContain("ok-" + tag, "huge-" + tag);
        }
    }

    private static void assertViolation(HttpResponse<String> answer, String what, String violation) {
        assertThat(answer.statusCode()).as(what + ": " + answer.body()).isEqualTo(400);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(answer.body());
        assertThat(problem.get("type").asString()).as(what).isEqualTo("/problems/schema-violation");
        assertThat(problem.get("detail").asString())
                .as(what)
                .isEqualTo("1 of 1 events do not satisfy the stream's schema; nothing of the request was taken");
        assertThat(violations(problem.get("invalid").get(0))).as(what).containsExactly(violation);
    }

    private static List<String> violations(JsonNode invalid) {
        List<String> found = new ArrayList<>();
        invalid.get("violations")
                .forEach(v -> found.add(
                        v.get("pointer").asString() + " " + v.get("keyword").asString()));
        return found;
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
