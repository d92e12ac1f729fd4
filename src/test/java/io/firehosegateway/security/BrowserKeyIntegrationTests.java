package io.firehosegateway.security;

import static io.firehosegateway.security.GatewayHttp.bearer;
import static io.firehosegateway.security.GatewayHttp.problemType;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.RecordingSink;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * A browser key: it sits in a page's source, so it may only send events, only to its streams, only
 * with an {@code Origin} it lists, and may travel on the URL, which then never shows it, not even in
 * the DEBUG log of every logger. Its rate limit holds per visitor, as the trusted-proxy rules tell
 * visitors apart.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "logging.level.root=DEBUG",
            // The test's own HTTP client logs each URL it sends at DEBUG: the page's side, not the gateway's.
            "logging.level.jdk.internal.httpclient=INFO",
            "gateway.sink=firehose",
            "gateway.trusted-proxies=127.0.0.1,::1",
            "gateway.streams.clicks.pack-bytes=0B",
            "gateway.streams.audit.pack-bytes=0B",
            "gateway.security.api-keys[0].name=shop",
            "gateway.security.api-keys[0].key=" + BrowserKeyIntegrationTests.SHOP,
            "gateway.security.api-keys[0].streams=clicks",
            "gateway.security.api-keys[0].origins=" + BrowserKeyIntegrationTests.ORIGIN,
            "gateway.security.api-keys[0].rate-limit-per-client.requests-per-second=1",
            "gateway.security.api-keys[0].rate-limit-per-client.burst=3",
            "gateway.security.api-keys[1].name=backend",
            "gateway.security.api-keys[1].key=" + BrowserKeyIntegrationTests.BACKEND,
            "gateway.security.api-keys[1].generator=true",
        })
@Import(RecordingSink.Configuration.class)
@ExtendWith(OutputCaptureExtension.class)
class BrowserKeyIntegrationTests {

    static final String SHOP = "shop-browser-key-5555555555";
    static final String BACKEND = "backend-key-666666666666666";
    static final String ORIGIN = "https://shop.example.com";

    private static final String JSON = "application/json";

    @LocalServerPort
    int port;

    @Autowired
    RecordingSink sink;

    @Test
    void sendsEventsFromItsPagesWithTheKeyOnTheUrlOrInAHeader(CapturedOutput output) {
        GatewayHttp http = new GatewayHttp(port);
        String run = UUID.randomUUID().toString();

        HttpResponse<String> onUrl = http.send(
                "POST",
                "/streams/clicks/events?key=" + SHOP + "&ids=true",
                "{\"id\":\"" + run + "-url\"}",
                "Content-Type",
                JSON,
                "Origin",
                ORIGIN,
                "X-Forwarded-For",
                "198.51.100.1");
        HttpResponse<String> inHeader = http.send(
                "POST",
                "/streams/clicks/events",
                "{\"id\":\"" + run + "-header\"}",
                "Content-Type",
                "text/plain;charset=UTF-8",
                "X-API-Key",
                SHOP,
                "Origin",
                ORIGIN,
                "X-Forwarded-For",
                "198.51.100.2");

        assertThat(onUrl.statusCode()).as(onUrl.body()).isEqualTo(200);
        assertThat(onUrl.body()).as("the other parameters are read as before").contains(run + "-url");
        assertThat(inHeader.statusCode()).as(inHeader.body()).isEqualTo(200);
        assertThat(sink.records()).filteredOn(record -> record.contains(run)).hasSize(2);
        assertThat(output.getAll()).doesNotContain(SHOP);
    }

    @Test
    void isRefusedEverywhereButItsEventEndpointsFromItsPages(CapturedOutput output) {
        GatewayHttp http = new GatewayHttp(port);
        String run = UUID.randomUUID().toString();
        String event = "{\"id\":\"" + run + "\"}";
        String origin = "Origin";

        assertThat(status(http.send("POST", "/events/generate?count=1&key=" + SHOP, null, origin, ORIGIN)))
                .as("the generator")
                .isEqualTo(403);
        assertThat(status(http.send(
                        "POST", "/streams/clicks/validate?key=" + SHOP, event, "Content-Type", JSON, origin, ORIGIN)))
                .as("validating")
                .isEqualTo(403);
        assertThat(status(http.send("GET", "/streams/clicks/schema?key=" + SHOP, null, origin, ORIGIN)))
                .as("a schema")
                .isEqualTo(403);
        assertThat(status(http.send(
                        "POST", "/streams/audit/events?key=" + SHOP, event, "Content-Type", JSON, origin, ORIGIN)))
                .as("a stream outside its list")
                .isEqualTo(403);
        assertThat(status(http.send("POST", "/events?key=" + SHOP, event, "Content-Type", JSON, origin, ORIGIN)))
                .as("the default stream, outside its list")
                .isEqualTo(403);
        HttpResponse<String> noOrigin =
                http.send("POST", "/streams/clicks/events?key=" + SHOP, event, "Content-Type", JSON);
        assertThat(noOrigin.statusCode()).as("no Origin").isEqualTo(403);
        assertThat(problemType(noOrigin)).isEqualTo("/problems/forbidden");
        assertThat(status(http.send(
                        "POST",
                        "/streams/clicks/events",
                        event,
                        "Content-Type",
                        JSON,
                        "X-API-Key",
                        SHOP,
                        origin,
                        "https://evil.example.com")))
                .as("another origin")
                .isEqualTo(403);
        assertThat(status(http.send(
                        "POST",
                        "/streams/clicks/events?key=" + SHOP,
                        "{\"broken\":",
                        "Content-Type",
                        JSON,
                        origin,
                        "https://shop.example.com.evil.example")))
                .as("refused before its body is read: a malformed body would be a 400")
                .isEqualTo(403);
        assertThat(http.get("/actuator/health", bearer(SHOP)).body())
                .as("no health details")
                .doesNotContain("components");
        assertThat(sink.records()).noneMatch(record -> record.contains(run));
        assertThat(http.get("/actuator/prometheus").body()).doesNotContain(SHOP);
        assertThat(output.getAll()).doesNotContain(SHOP);
    }

    @Test
    void aKeyForServersIsNotTakenOnTheUrl(CapturedOutput output) {
        GatewayHttp http = new GatewayHttp(port);

        HttpResponse<String> onUrl =
                http.send("POST", "/events?key=" + BACKEND, "{\"a\":1}", "Content-Type", JSON, "Origin", ORIGIN);

        assertThat(onUrl.statusCode()).isEqualTo(401);
        assertThat(onUrl.body()).doesNotContain(BACKEND);
        assertThat(http.post("/events", "{\"a\":1}", bearer(BACKEND)).statusCode())
                .isEqualTo(200);
        assertThat(output.getAll()).doesNotContain(BACKEND);
    }

    @Test
    void oneVisitorOverItsLimitIsRefusedWhileAnotherWithTheSameKeyIsNot() {
        GatewayHttp http = new GatewayHttp(port);
        HttpResponse<String> refused = null;
        int sent = 0;
        for (; sent < 20 && refused == null; sent++) {
            HttpResponse<String> response = visit(http, "203.0.113.7");
            if (response.statusCode() == 429) {
                refused = response;
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            }
        }

        assertThat(refused).as("a 429 within 20 requests of one visitor").isNotNull();
        assertThat(sent - 1).as("its burst went through").isGreaterThanOrEqualTo(3);
        assertThat(problemType(refused)).isEqualTo("/problems/rate-limited");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> other = visit(http, "203.0.113.8");
            assertThat(other.statusCode())
                    .as("another visitor, request %d: %s", i, other.body())
                    .isEqualTo(200);
        }
    }

    @Test
    void answersAPreflightFromAPageOfABrowserKeyOnTheEventEndpoints() {
        GatewayHttp http = new GatewayHttp(port);

        for (String path : new String[] {"/events", "/streams/clicks/events"}) {
            HttpResponse<String> preflight = http.send(
                    "OPTIONS",
                    path,
                    null,
                    "Origin",
                    ORIGIN,
                    "Access-Control-Request-Method",
                    "POST",
                    "Access-Control-Request-Headers",
                    "content-type,x-api-key");

            assertThat(preflight.statusCode()).as(path).isEqualTo(200);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                    .hasValue(ORIGIN);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods"))
                    .hasValue("POST");
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
                    .hasValueSatisfying(headers -> assertThat(headers.toLowerCase(java.util.Locale.ROOT))
                            .contains("content-type", "x-api-key"));
            assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("7200");
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials"))
                    .isEmpty();
        }
        HttpResponse<String> headers = http.send(
                "OPTIONS",
                "/events",
                null,
                "Origin",
                ORIGIN,
                "Access-Control-Request-Method",
                "POST",
                "Access-Control-Request-Headers",
                "authorization,idempotency-key");
        assertThat(headers.headers().firstValue("Access-Control-Allow-Headers"))
                .hasValueSatisfying(allowed -> assertThat(allowed.toLowerCase(java.util.Locale.ROOT))
                        .contains("authorization", "idempotency-key"));
    }

    @Test
    void answersItsPagesWithTheirOriginAndVaryAndNoOneElseWithAnyCorsHeader() {
        GatewayHttp http = new GatewayHttp(port);

        HttpResponse<String> fromItsPage = visit(http, "198.51.100.20");
        assertThat(fromItsPage.statusCode()).isEqualTo(200);
        assertThat(fromItsPage.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue(ORIGIN);
        assertThat(fromItsPage.headers().allValues("Vary"))
                .anySatisfy(vary -> assertThat(vary).contains("Origin"));
        assertThat(fromItsPage.headers().firstValue("Access-Control-Expose-Headers"))
                .hasValueSatisfying(exposed -> assertThat(exposed).contains("Retry-After"));
        assertThat(fromItsPage.headers().firstValue("Access-Control-Allow-Credentials"))
                .isEmpty();

        String evil = "https://evil.example.com";
        assertNoCorsHeader(
                http.send("OPTIONS", "/events", null, "Origin", evil, "Access-Control-Request-Method", "POST"));
        assertNoCorsHeader(http.send(
                "POST", "/streams/clicks/events?key=" + SHOP, "{\"a\":1}", "Content-Type", JSON, "Origin", evil));
        for (String path : new String[] {"/actuator/health", "/actuator/prometheus", "/streams/clicks/validate"}) {
            assertNoCorsHeader(
                    http.send("OPTIONS", path, null, "Origin", ORIGIN, "Access-Control-Request-Method", "POST"));
            assertNoCorsHeader(http.send("GET", path, null, "Origin", ORIGIN));
        }
    }

    @Test
    void thePixelTakesOneEventFromItsPagesAndAnswersTheSameGifWhateverHappened(CapturedOutput output) throws Exception {
        String run = UUID.randomUUID().toString();
        String page = ORIGIN + "/products/42?ref=mail";
        double forbiddenBefore = pixels("shop", "refused", "forbidden");

        HttpResponse<byte[]> landed = pixel("clicks", SHOP, "{\"id\":\"" + run + "-landed\"}", "Referer", page);
        HttpResponse<byte[]> malformed = pixel("clicks", SHOP, "{\"id\":\"" + run + "-bad\",", "Referer", page);
        HttpResponse<byte[]> otherSite =
                pixel("clicks", SHOP, "{\"id\":\"" + run + "-other\"}", "Referer", "https://evil.example.com/");
        HttpResponse<byte[]> noPage = pixel("clicks", SHOP, "{\"id\":\"" + run + "-none\"}");
        HttpResponse<byte[]> otherStream = pixel("audit", SHOP, "{\"id\":\"" + run + "-audit\"}", "Origin", ORIGIN);
        HttpResponse<byte[]> wrongKey =
                pixel("clicks", "wrong-key-00000000000000", "{\"id\":\"" + run + "-wrong\"}", "Referer", page);

        for (HttpResponse<byte[]> answer : List.of(landed, malformed, otherSite, noPage, otherStream, wrongKey)) {
            assertThat(answer.statusCode()).as(answer.uri().toString()).isEqualTo(200);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("image/gif");
            assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(answer.body()).hasSize(43).startsWith(new byte[] {'G', 'I', 'F', '8', '9', 'a'});
        }
        assertThat(sink.records())
                .filteredOn(record -> record.contains(run))
                .singleElement()
                .asString()
                .contains(run + "-landed");
        assertThat(pixels("shop", "refused", "forbidden") - forbiddenBefore)
                .as("another site, no page, another stream")
                .isEqualTo(3.0);
        assertThat(pixels("shop", "refused", "malformed-json")).isGreaterThanOrEqualTo(1.0);
        assertThat(pixels("none", "refused", "unauthorized")).isGreaterThanOrEqualTo(1.0);
        assertThat(output.getAll())
                .contains("A pixel with key 'shop' was refused (403, forbidden)")
                .doesNotContain(SHOP);
    }

    private HttpResponse<byte[]> pixel(String stream, String key, String event, String... headers) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + port + "/streams/" + stream + "/pixel?key=" + key
                                + "&e=" + java.net.URLEncoder.encode(event, java.nio.charset.StandardCharsets.UTF_8)))
                .header("Accept", "image/avif,image/webp,image/*,*/*;q=0.8");
        if (headers.length > 0) {
            request.headers(headers);
        }
        return java.net.http.HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private double pixels(String key, String outcome, String reason) {
        java.util.regex.Matcher sample = java.util.regex.Pattern.compile(
                        "^gateway_beacon_requests_total\\{key=\"" + key + "\",outcome=\"" + outcome + "\",reason=\""
                                + reason + "\"} (\\S+)$",
                        java.util.regex.Pattern.MULTILINE)
                .matcher(new GatewayHttp(port).get("/actuator/prometheus").body());
        return sample.find() ? Double.parseDouble(sample.group(1)) : 0.0;
    }

    @Test
    void servesTheTrackerToAnyoneAndToItsPagesWithCors() {
        GatewayHttp http = new GatewayHttp(port);

        HttpResponse<String> fromItsPage = http.get("/tracker.js", "Origin", ORIGIN);
        HttpResponse<String> plain = http.get("/tracker.js");

        assertThat(fromItsPage.statusCode()).isEqualTo(200);
        assertThat(fromItsPage.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
        assertThat(fromItsPage.body()).contains("export function tracker(");
        assertThat(fromItsPage.headers().firstValue("Access-Control-Allow-Origin"))
                .hasValue(ORIGIN);
        assertThat(plain.statusCode()).isEqualTo(200);
        assertNoCorsHeader(plain);
        assertNoCorsHeader(http.get("/tracker.js", "Origin", "https://evil.example.com"));
    }

    private static void assertNoCorsHeader(HttpResponse<String> response) {
        assertThat(response.headers().map().keySet())
                .as("%s %s", response.request().method(), response.uri())
                .noneMatch(name -> name.toLowerCase(java.util.Locale.ROOT).startsWith("access-control-"));
    }

    private static HttpResponse<String> visit(GatewayHttp http, String visitor) {
        return http.send(
                "POST",
                "/streams/clicks/events?key=" + SHOP,
                "{\"v\":\"" + visitor + "\"}",
                "Content-Type",
                JSON,
                "Origin",
                ORIGIN,
                "X-Forwarded-For",
                visitor);
    }

    private static int status(HttpResponse<String> response) {
        return response.statusCode();
    }
}
