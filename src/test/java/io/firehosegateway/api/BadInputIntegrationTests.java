package io.firehosegateway.api;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_16;
import static java.nio.charset.StandardCharsets.UTF_16BE;
import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.support.LocalSinkFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every kind of bad request a client can send, through the running gateway: each gets its own
 * problem type as {@code application/problem+json}, never a 5xx, and a refused request delivers
 * none of its events, not even the valid ones before the fault.
 *
 * <p>The request limit is just above Firehose's largest record, so one context covers both the
 * event that is too large and the body that is.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BadInputIntegrationTests {

    static final int MAX_REQUEST_BYTES = 1100 * 1024;
    static final int MAX_LINE_BYTES = 64 * 1024;
    static final int MAX_STRING_LENGTH = 100_000;
    static final int MAX_NESTING_DEPTH = 16;
    static final int MAX_COUNT = 1000;

    private static final JsonMapper json = JsonMapper.builder().build();

    @TempDir
    static Path directory;

    @LocalServerPort
    int port;

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @DynamicPropertySource
    static void limits(DynamicPropertyRegistry registry) {
        registry.add("gateway.local.directory", () -> directory.toString());
        registry.add("gateway.local.roll-interval", () -> "200ms");
        registry.add("gateway.limits.max-request-size", () -> MAX_REQUEST_BYTES + "B");
        registry.add("gateway.limits.max-line-length", () -> MAX_LINE_BYTES + "B");
        registry.add("gateway.limits.max-string-length", () -> MAX_STRING_LENGTH);
        registry.add("gateway.limits.max-nesting-depth", () -> MAX_NESTING_DEPTH);
        registry.add("gateway.generator.max-count", () -> MAX_COUNT);
    }

    static Stream<BadRequest> badRequests() {
        return Stream.of(
                // Malformed JSON, in a JSON body and on an NDJSON line
                json("malformed element", "[{\"id\":\"a\"},{\"b\":}]")
                        .expect(400, "malformed-json")
                        .at(1, null),
                json("missing comma", "[{\"id\":\"a\"},{\"b\":1 \"c\":2}]")
                        .expect(400, "malformed-json")
                        .at(1, null),
                json("unterminated body", "[{\"id\":\"a\"},{\"b\":1")
                        .expect(400, "malformed-json")
                        .at(1, null),
                json("duplicate member", "{\"id\":\"a\",\"id\":\"b\"}")
                        .expect(400, "malformed-json")
                        .at(0, null),
                json("value after the body", "{\"id\":\"a\"} {\"id\":\"b\"}").expect(400, "malformed-json"),
                ndjson("malformed line", "{\"id\":\"a\"}\n{\"b\":}\n")
                        .expect(400, "malformed-json")
                        .at(1, 2),
                ndjson("two values on a line", "{\"id\":\"a\"}\n\n{\"id\":\"b\"} {\"id\":\"c\"}\n")
                        .expect(400, "malformed-json")
                        .at(1, 3),

                // Invalid UTF-8
                json("Latin-1 in a value", bytes("[{\"id\":\"a\"},{\"t\":\"caf", 0xE9, "\"}]"))
                        .expect(400, "invalid-utf8")
                        .at(1, null),
                json("Latin-1 in a name", bytes("[{\"id\":\"a\"},{\"caf", 0xE9, "\":1}]"))
                        .expect(400, "invalid-utf8")
                        .at(1, null),
                json("overlong form", bytes("{\"t\":\"", 0xC0, 0x80, "\"}"))
                        .expect(400, "invalid-utf8")
                        .at(0, null),
                ndjson("Latin-1 on a line", bytes("{\"id\":\"a\"}\r\n{\"t\":\"caf", 0xE9, "\"}\r\n"))
                        .expect(400, "invalid-utf8")
                        .at(1, 2),

                // Limits of the JSON itself
                json("nesting too deep", "[{\"id\":\"a\"}," + nested(MAX_NESTING_DEPTH + 1) + "]")
                        .expect(400, "nesting-too-deep")
                        .at(1, null),
                ndjson("nesting too deep on a line", nested(MAX_NESTING_DEPTH + 1) + "\n")
                        .expect(400, "nesting-too-deep")
                        .at(0, 1),
                json("string too long", "[{\"id\":\"a\"},{\"t\":\"" + "x".repeat(MAX_STRING_LENGTH + 1) + "\"}]")
                        .expect(400, "json-limit-exceeded")
                        .at(1, null),
                json("name too long", "{\"" + "x".repeat(MAX_STRING_LENGTH + 1) + "\":1}")
                        .expect(400, "json-limit-exceeded")
                        .at(0, null),
                json("number too long", "[{\"n\":" + "9".repeat(101) + "}]")
                        .expect(400, "json-limit-exceeded")
                        .at(0, null),

                // Not events
                json("element not an object", "[{\"id\":\"a\"},2]")
                        .expect(400, "invalid-event")
                        .at(1, null),
                json("element an array", "[{\"id\":\"a\"},{\"id\":\"b\"},[{\"id\":\"c\"}]]")
                        .expect(400, "invalid-event")
                        .at(2, null),
                json("body a string", "\"hello\"").expect(400, "invalid-event"),
                ndjson("line not an object", "{\"id\":\"a\"}\n[1]\n")
                        .expect(400, "invalid-event")
                        .at(1, 2),
                json("numeric id", "[{\"id\":\"a\"},{\"id\":5}]")
                        .expect(400, "invalid-event")
                        .at(1, null),
                json("empty id", "{\"id\":\"\"}").expect(400, "invalid-event").at(0, null),
                ndjson("null id", "{\"id\":null}\n")
                        .expect(400, "invalid-event")
                        .at(0, 1),

                // No events
                json("empty body", "").expect(400, "empty-request"),
                json("blank body", " \r\n ").expect(400, "empty-request"),
                json("empty array", "[ ]").expect(400, "empty-request"),
                ndjson("only blank lines", "\n\r\n  \n").expect(400, "empty-request"),

                // Gzip
                json("not gzip at all", "{\"id\":\"a\"}").encoding("gzip").expect(400, "invalid-gzip"),
                json("truncated gzip", half(gzip(eventsOfTotalSize(4000))))
                        .encoding("gzip")
                        .expect(400, "invalid-gzip"),
                json("gzip without its trailer", truncate(gzip("{\"id\":\"a\"}"), 8))
                        .encoding("gzip")
                        .expect(400, "invalid-gzip"),
                json("gzip followed by bytes that are no gzip", followedBy(gzip("{\"id\":\"a\"}"), "{\"id\":\"b\"}"))
                        .encoding("gzip")
                        .expect(400, "invalid-gzip"),

                // Sizes
                json("body over the limit", eventsOfTotalSize(MAX_REQUEST_BYTES + 1000))
                        .expect(413, "request-too-large"),
                json("body over the limit, chunked", eventsOfTotalSize(MAX_REQUEST_BYTES + 1000))
                        .chunked()
                        .expect(413, "request-too-large"),
                json("gzip bomb", gzipBomb()).encoding("gzip").expect(413, "request-too-large"),
                // A quarter of the default 200,000-event buffer is one request's share: never "try again".
                ndjson("more events than one request may hold", "{}\n".repeat(50_001))
                        .expect(413, "too-many-events"),
                json("event over 1000 KiB", hugeEventAfterASmallOne())
                        .expect(413, "event-too-large")
                        .at(1, null)
                        .id("huge"),
                ndjson("line too long", "{\"id\":\"a\"}\n{\"t\":\"" + "x".repeat(MAX_LINE_BYTES) + "\"}\n")
                        .expect(413, "line-too-long")
                        .at(null, 2),

                // Content type and encoding
                post("text/csv", "/events", "text/csv", "{\"id\":\"a\"}").expect(415, "unsupported-media-type"),
                post("Latin-1 text/plain", "/events", "text/plain;charset=ISO-8859-1", "{\"id\":\"a\"}")
                        .expect(415, "unsupported-media-type"),
                post("form", "/events", "application/x-www-form-urlencoded", "id=a")
                        .expect(415, "unsupported-media-type"),
                post("no content type", "/events", null, "{\"id\":\"a\"}").expect(415, "unsupported-media-type"),
                post("wildcard subtype", "/events", "application/*", "{\"id\":\"a\"}")
                        .expect(415, "unsupported-media-type"),
                post("wildcard subtype to a stream", "/streams/events/events", "application/*", "{\"id\":\"a\"}")
                        .expect(415, "unsupported-media-type"),
                post("wildcard type", "/events", "*/*", "{\"id\":\"a\"}").expect(415, "unsupported-media-type"),
                post("wildcard subtype with a charset", "/events", "text/*; charset=utf-8", "{\"id\":\"a\"}")
                        .expect(415, "unsupported-media-type"),
                post(
                                "Latin-1 charset",
                                "/events",
                                "application/json;charset=ISO-8859-1",
                                "{\"t\":\"caf\u00e9\"}".getBytes(ISO_8859_1))
                        .expect(415, "unsupported-media-type"),
                post("UTF-16 NDJSON", "/events", "application/x-ndjson; charset=UTF-16", "{}")
                        .expect(415, "unsupported-media-type"),
                json("brotli", "{\"id\":\"a\"}").encoding("br").expect(415, "unsupported-encoding"),
                json("deflate", "{\"id\":\"a\"}").encoding("deflate").expect(415, "unsupported-encoding"),

                // Parameters
                json("ids not a boolean", "{\"id\":\"a\"}")
                        .path("/events?ids=maybe")
                        .expect(400, "invalid-parameter"),
                json("accept only CSV", "{\"id\":\"a\"}").accept("text/csv").expect(406, "not-acceptable"),

                // Methods and paths
                request("GET /events", "GET", "/events").expect(405, "method-not-allowed"),
                request("PUT /events", "PUT", "/events").expect(405, "method-not-allowed"),
                request("DELETE a stream's events", "DELETE", "/streams/events/events")
                        .expect(405, "method-not-allowed"),
                request("GET an unknown path", "GET", "/nothing-here").expect(404, "not-found"),
                json("POST an unknown path", "{\"id\":\"a\"}").path("/event").expect(404, "not-found"),
                json("unknown stream", "{\"id\":\"a\"}")
                        .path("/streams/no-such-stream/events")
                        .expect(404, "unknown-stream"),

                // The generator's count
                request("count 0", "POST", "/events/generate?count=0").expect(400, "invalid-count"),
                request("count -1", "POST", "/events/generate?count=-1").expect(400, "invalid-count"),
                request("count over the max", "POST", "/events/generate?count=" + (MAX_COUNT + 1))
                        .expect(400, "invalid-count"),
                request("count abc", "POST", "/events/generate?count=abc").expect(400, "invalid-count"),
                request("count 1.5", "POST", "/events/generate?count=1.5").expect(400, "invalid-count"),
                request("count missing", "POST", "/events/generate").expect(400, "invalid-count"),
                request("count empty", "POST", "/events/generate?count=").expect(400, "invalid-count"),
                request("count +5", "POST", "/events/generate?count=%2B5").expect(400, "invalid-count"),
                request("count with spaces", "POST", "/events/generate?count=%201%20")
                        .expect(400, "invalid-count"),
                request("count a full-width digit", "POST", "/events/generate?count=%EF%BC%95")
                        .expect(400, "invalid-count"),
                request("count an Arabic-Indic digit", "POST", "/events/generate?count=%D9%A5")
                        .expect(400, "invalid-count"),
                request("count twice", "POST", "/events/generate?count=1&count=2")
                        .expect(400, "invalid-count"),
                request("stream twice", "POST", "/events/generate?count=1&stream=events&stream=events")
                        .expect(400, "invalid-parameter"),

                // Strict booleans
                json("ids on", "{\"id\":\"a\"}").path("/events?ids=on").expect(400, "invalid-parameter"),
                json("ids 1", "{\"id\":\"a\"}").path("/events?ids=1").expect(400, "invalid-parameter"),
                json("ids empty", "{\"id\":\"a\"}").path("/events?ids=").expect(400, "invalid-parameter"),
                json("ids TRUE", "{\"id\":\"a\"}").path("/events?ids=TRUE").expect(400, "invalid-parameter"),
                json("ids on a stream", "{\"id\":\"a\"}")
                        .path("/streams/events/events?ids=yes")
                        .expect(400, "invalid-parameter"),
                request("wait on", "POST", "/events/generate?count=1&wait=on").expect(400, "invalid-parameter"),

                // More query parameters than Tomcat parses, with and without a key's business
                request("1001 parameters on health", "GET", "/actuator/health?" + parameters(1001))
                        .expect(400, "invalid-parameter"),
                request("1001 parameters on prometheus", "GET", "/actuator/prometheus?" + parameters(1001))
                        .expect(400, "invalid-parameter"),
                json("1001 parameters on events", "{\"id\":\"a\"}")
                        .path("/events?" + parameters(1001))
                        .expect(400, "invalid-parameter"),

                // UTF-16 and UTF-32, which Jackson would otherwise detect and transcode
                json("UTF-16LE body", "{\"id\":\"a\"}".getBytes(UTF_16LE)).expect(400, "invalid-utf8"),
                json("UTF-16BE body", "[{\"id\":\"a\"}]".getBytes(UTF_16BE)).expect(400, "invalid-utf8"),
                json("UTF-32BE body", "{\"id\":\"a\"}".getBytes(Charset.forName("UTF-32BE")))
                        .expect(400, "invalid-utf8"),
                json("UTF-16 body with its byte order mark", "{\"id\":\"a\"}".getBytes(UTF_16))
                        .expect(400, "invalid-utf8"),
                ndjson("UTF-16LE NDJSON", "{\"id\":\"a\"}\n{\"id\":\"b\"}\n".getBytes(UTF_16LE))
                        .expect(400, "invalid-utf8")
                        .at(0, 1),
                ndjson("UTF-16BE second line", bytes("{\"id\":\"a\"}\n", 0, 0x7B, 0, 0x7D, "\n"))
                        .expect(400, "invalid-utf8")
                        .at(1, 2),

                // Escapes of lone surrogates, which no UTF-8 can carry
                json("lone high surrogate", "[{\"id\":\"a\"},{\"t\":\"x\\ud800y\"}]")
                        .expect(400, "invalid-utf8")
                        .at(1, null),
                json("lone low surrogate", "{\"t\":\"\\udc00\"}")
                        .expect(400, "invalid-utf8")
                        .at(0, null),
                json("high surrogate then a letter", "{\"t\":\"\\ud83dA\"}")
                        .expect(400, "invalid-utf8")
                        .at(0, null),
                json("swapped surrogates", "{\"t\":\"\\ude00\\ud83d\"}")
                        .expect(400, "invalid-utf8")
                        .at(0, null),
                json("lone surrogate in a name", "{\"\\ud800\":1}")
                        .expect(400, "invalid-utf8")
                        .at(0, null),
                json("lone surrogate in the id", "{\"id\":\"\\ud800\"}")
                        .expect(400, "invalid-utf8")
                        .at(0, null),
                ndjson("lone surrogate on a line", "{\"id\":\"a\"}\n{\"t\":\"\\udfff\"}\n")
                        .expect(400, "invalid-utf8")
                        .at(1, 2),

                // What Jackson could take with a feature on: the detail says what is wrong, not how to
                // configure Jackson
                json("NaN", "{\"n\":NaN}").expect(400, "malformed-json").at(0, null),
                json("leading plus", "{\"n\":+1}").expect(400, "malformed-json").at(0, null),
                json("comment", "{\"n\":1 /* one */}")
                        .expect(400, "malformed-json")
                        .at(0, null),
                json("single quotes", "{'n':1}").expect(400, "malformed-json").at(0, null),
                json("raw tab in a string", "{\"t\":\"a\tb\"}")
                        .expect(400, "malformed-json")
                        .at(0, null),

                // The error path and the firewall
                request("GET /error", "GET", "/error").expect(404, "not-found"),
                request("POST /error", "POST", "/error").expect(404, "not-found"),
                request("encoded dots", "GET", "/events/%2e%2e/x").expect(400, "bad-request"),
                request("semicolon", "POST", "/events;jsessionid=x").expect(400, "bad-request"),
                request("unknown method", "BREW", "/events").expect(400, "bad-request"));
    }

    /**
     * Every bad JSON and NDJSON body again as a page's {@code sendBeacon} sends it, {@code
     * text/plain;charset=UTF-8}: it must meet the same problem, index and line included.
     */
    static Stream<BadRequest> badRequestsAsBeacons() {
        return badRequests()
                .filter(bad -> "application/json".equals(bad.contentType())
                        || "application/x-ndjson".equals(bad.contentType()))
                .map(BadRequest::asBeacon);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"badRequests", "badRequestsAsBeacons"})
    void answersEachBadRequestWithItsOwnProblem(BadRequest bad) throws Exception {
        HttpResponse<String> response = send(bad);

        assertThat(response.statusCode()).as(response.body()).isLessThan(500).isEqualTo(bad.status());
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.path("type").asString()).as(response.body()).isEqualTo("/problems/" + bad.type());
        assertThat(problem.path("status").asInt()).isEqualTo(bad.status());
        assertThat(member(problem, "index")).as("index in %s", response.body()).isEqualTo(bad.index());
        assertThat(member(problem, "line")).as("line in %s", response.body()).isEqualTo(bad.line());
        assertThat(problem.path("detail").asString())
                .as("the detail names no Jackson internals")
                .isNotEmpty()
                .doesNotContain("`", "Feature", "StreamReadConstraints", "Jackson");
        if (bad.id() != null) {
            assertThat(problem.path("id").asString()).isEqualTo(bad.id());
        }
        if (bad.status() == 405) {
            assertThat(response.headers().firstValue("Allow")).isPresent();
        }
    }

    @Test
    void takesTheGoodVersionsOfTheseRequests() throws Exception {
        // The battery above means something only if the same paths take good input.
        assertThat(send(json("array", "[{\"id\":\"a\"},{\"b\":1}]")).statusCode())
                .isEqualTo(200);
        assertThat(send(ndjson("ndjson", "{\"id\":\"a\"}\r\n\r\n{\"b\":1}")).statusCode())
                .isEqualTo(200);
        assertThat(send(json("gzip", gzip("[{\"id\":\"a\"},{\"b\":1}]")).encoding("gzip"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(json("deepest", "[" + nested(MAX_NESTING_DEPTH) + "]")).statusCode())
                .isEqualTo(200);
        assertThat(send(json("charset", "{\"id\":\"a\"}").contentType("application/json; charset=utf-8"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(json("stream", "{\"id\":\"a\"}").path("/streams/events/events"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(json("surrogate pair", "{\"t\":\"\\ud83d\\ude00 \uD83D\uDE00\"}"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(json("beacon array", "[{\"id\":\"a\"},{\"b\":1}]").asBeacon())
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(ndjson("beacon ndjson", "{\"id\":\"a\"}\r\n\r\n{\"b\":1}")
                                .asBeacon())
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(json("pretty beacon", "{\n  \"id\": \"a\",\n  \"b\": {\n    \"c\": 1\n  }\n}\n")
                                .contentType("text/plain"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(json("ids false", "{\"id\":\"a\"}").path("/events?ids=false"))
                        .body())
                .isEqualTo("{\"accepted\":1}");
        assertThat(send(json("ids true", "{\"id\":\"a\"}").path("/events?ids=true"))
                        .body())
                .isEqualTo("{\"accepted\":1,\"ids\":[\"a\"]}");
        assertThat(send(json("1000 parameters", "{\"id\":\"a\"}").path("/events?" + parameters(999)))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aRefusedRequestDeliversNoneOfItsEventsNotEvenTheValidOnesBeforeTheFault() throws Exception {
        LocalSinkFiles files = new LocalSinkFiles(directory);
        String run = UUID.randomUUID().toString();
        double rejectedBefore = rejectedEvents();

        HttpResponse<String> array = send(json(
                "array",
                "[{\"id\":\"" + run + "-array-0\"},{\"id\":\"" + run + "-array-1\"},{\"id\":\"" + run
                        + "-array-2\",\"v\":}]"));
        HttpResponse<String> ndjson = send(ndjson(
                "ndjson",
                "{\"id\":\"" + run + "-ndjson-0\"}\n{\"id\":\"" + run + "-ndjson-1\"}\n{\"id\":\"" + run
                        + "-ndjson-2\",\"v\":}\n{\"id\":\"" + run + "-ndjson-3\"}\n"));
        assertThat(array.statusCode()).as(array.body()).isEqualTo(400);
        assertThat(ndjson.statusCode()).as(ndjson.body()).isEqualTo(400);
        assertThat(rejectedEvents() - rejectedBefore)
                .as("two valid events and the bad one, in each request")
                .isEqualTo(6.0);

        HttpResponse<String> tooLarge = send(json("chunked", eventsOfTotalSize(MAX_REQUEST_BYTES + 1000, run + "-big"))
                .chunked());
        assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(413);
        assertThat(rejectedEvents() - rejectedBefore).isGreaterThan(6.0);

        HttpResponse<String> marker = send(json("marker", "{\"id\":\"" + run + "-marker\"}"));
        assertThat(marker.statusCode()).as(marker.body()).isEqualTo(200);

        // Once the marker's file is closed and no other is open, everything sent before it is on disk.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> files.openFiles() == 0
                        && files.lines().stream().anyMatch(line -> line.contains(run + "-marker")));
        assertThat(files.lines())
                .filteredOn(line -> line.contains(run))
                .containsExactly("{\"id\":\"" + run + "-marker\"}");
    }

    private HttpResponse<String> send(BadRequest bad) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + bad.path()));
        HttpRequest.BodyPublisher body;
        if (bad.body() == null) {
            body = HttpRequest.BodyPublishers.noBody();
        } else if (bad.chunkedBody()) {
            byte[] bytes = bad.body();
            body = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
        } else {
            body = HttpRequest.BodyPublishers.ofByteArray(bad.body());
        }
        request.method(bad.method(), body);
        if (bad.contentType() != null) {
            request.header("Content-Type", bad.contentType());
        }
        if (bad.encoding() != null) {
            request.header("Content-Encoding", bad.encoding());
        }
        if (bad.accept() != null) {
            request.header("Accept", bad.accept());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code gateway_events_received_total{outcome="rejected",stream="events"}}, as Prometheus reads it. */
    private double rejectedEvents() throws IOException, InterruptedException {
        HttpResponse<String> scrape = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        Matcher sample = Pattern.compile(
                        "^gateway_events_received_total\\{(?=[^}]*outcome=\"rejected\")(?=[^}]*stream=\"events\")[^}]*} (\\S+)$",
                        Pattern.MULTILINE)
                .matcher(scrape.body());
        assertThat(sample.find()).as(scrape.body()).isTrue();
        return Double.parseDouble(sample.group(1));
    }

    private static Integer member(JsonNode problem, String name) {
        JsonNode member = problem.get(name);
        return member == null ? null : member.asInt();
    }

    /**
     * One request and the problem it must get.
     *
     * @param index the {@code index} member the problem must have, or null for none
     * @param line the {@code line} member the problem must have, or null for none
     * @param id the {@code id} member the problem must have, or null not to check it
     */
    record BadRequest(
            String name,
            String method,
            String path,
            String contentType,
            String encoding,
            String accept,
            byte[] body,
            boolean chunkedBody,
            int status,
            String type,
            Integer index,
            Integer line,
            String id) {

        BadRequest expect(int status, String type) {
            return new BadRequest(
                    name,
                    method,
                    path,
                    contentType,
                    encoding,
                    accept,
                    body,
                    chunkedBody,
                    status,
                    type,
                    index,
                    line,
                    id);
        }

        BadRequest at(Integer index, Integer line) {
            return new BadRequest(
                    name,
                    method,
                    path,
                    contentType,
                    encoding,
                    accept,
                    body,
                    chunkedBody,
                    status,
                    type,
                    index,
                    line,
                    id);
        }

        BadRequest id(String id) {
            return new BadRequest(
                    name,
                    method,
                    path,
                    contentType,
                    encoding,
                    accept,
                    body,
                    chunkedBody,
                    status,
                    type,
                    index,
                    line,
                    id);
        }

        BadRequest path(String path) {
            return new BadRequest(
                    name,
                    method,
                    path,
                    contentType,
                    encoding,
                    accept,
                    body,
                    chunkedBody,
                    status,
                    type,
                    index,
                    line,
                    id);
        }

        /** The same request as {@code text/plain}, named apart. */
        BadRequest asBeacon() {
            return new BadRequest(
                    name + " as text/plain",
                    method,
                    path,
                    "text/plain;charset=UTF-8",
                    encoding,
                    accept,
                    body,
                    chunkedBody,
                    status,
                    type,
                    index,
                    line,
                    id);
        }

        BadRequest contentType(String contentType) {
            return new BadRequest(
                    name,
                    method,
                    path,
                    contentType,
                    encoding,
                    accept,
                    body,
                    chunkedBody,
                    status,
                    type,
                    index,
                    line,
                    id);
        }

        BadRequest encoding(String encoding) {
            return new BadRequest(
                    name,
                    method,
                    path,
                    contentType,
                    encoding,
                    accept,
                    body,
                    chunkedBody,
                    status,
                    type,
                    index,
                    line,
                    id);
        }

        BadRequest accept(String accept) {
            return new BadRequest(
                    name,
                    method,
                    path,
                    contentType,
                    encoding,
                    accept,
                    body,
                    chunkedBody,
                    status,
                    type,
                    index,
                    line,
                    id);
        }

        BadRequest chunked() {
            return new BadRequest(
                    name, method, path, contentType, encoding, accept, body, true, status, type, index, line, id);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static BadRequest post(String name, String path, String contentType, byte[] body) {
        return new BadRequest(name, "POST", path, contentType, null, null, body, false, 0, null, null, null, null);
    }

    private static BadRequest post(String name, String path, String contentType, String body) {
        return post(name, path, contentType, body.getBytes(UTF_8));
    }

    private static BadRequest json(String name, String body) {
        return post(name, "/events", "application/json", body);
    }

    private static BadRequest json(String name, byte[] body) {
        return post(name, "/events", "application/json", body);
    }

    private static BadRequest ndjson(String name, String body) {
        return post(name, "/events", "application/x-ndjson", body);
    }

    private static BadRequest ndjson(String name, byte[] body) {
        return post(name, "/events", "application/x-ndjson", body);
    }

    private static BadRequest request(String name, String method, String path) {
        return new BadRequest(name, method, path, null, null, null, null, false, 0, null, null, null, null);
    }

    /** {@code count} query parameters that mean nothing to the gateway. */
    private static String parameters(int count) {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < count; i++) {
            query.append(i == 0 ? "" : "&").append('p').append(i).append("=1");
        }
        return query.toString();
    }

    /** An event nested {@code depth} deep, the event itself counting as 1. */
    static String nested(int depth) {
        return "{\"n\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof String text) {
                out.writeBytes(text.getBytes(UTF_8));
            } else {
                out.write((Integer) part);
            }
        }
        return out.toByteArray();
    }

    private static byte[] eventsOfTotalSize(int size) {
        return eventsOfTotalSize(size, "e");
    }

    /** A JSON array of valid 1 KB events, {@code size} bytes in all or a little more. */
    private static byte[] eventsOfTotalSize(int size, String idPrefix) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; body.length() < size; i++) {
            body.append(i == 0 ? "" : ",")
                    .append("{\"id\":\"")
                    .append(idPrefix)
                    .append('-')
                    .append(i)
                    .append("\",\"p\":\"")
                    .append("x".repeat(1000))
                    .append("\"}");
        }
        return body.append("]").toString().getBytes(UTF_8);
    }

    /** A small event, then one of about 1.1 MB made of strings each within the string limit. */
    private static String hugeEventAfterASmallOne() {
        StringBuilder body = new StringBuilder("[{\"id\":\"small\"},{\"id\":\"huge\"");
        for (int i = 0; i < 11; i++) {
            body.append(",\"p")
                    .append(i)
                    .append("\":\"")
                    .append("x".repeat(MAX_STRING_LENGTH))
                    .append('"');
        }
        String event = body.append("}]").toString();
        assertThat(event.length()).isBetween(1000 * 1024 + 1, MAX_REQUEST_BYTES);
        return event;
    }

    /** A few KB that decompress to 8 MB: only counting after decompression refuses it early. */
    private static byte[] gzipBomb() {
        byte[] spaces = new byte[8 * 1024 * 1024];
        Arrays.fill(spaces, (byte) ' ');
        spaces[0] = '[';
        byte[] bomb = gzip(spaces);
        assertThat(bomb.length).isLessThan(16 * 1024);
        return bomb;
    }

    private static byte[] gzip(String text) {
        return gzip(text.getBytes(UTF_8));
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_COMPRESSION);
            }
        }) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] followedBy(byte[] bytes, String rest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes);
        out.writeBytes(rest.getBytes(UTF_8));
        return out.toByteArray();
    }

    private static byte[] half(byte[] bytes) {
        return Arrays.copyOf(bytes, bytes.length / 2);
    }

    private static byte[] truncate(byte[] bytes, int cut) {
        return Arrays.copyOf(bytes, bytes.length - cut);
    }
}
