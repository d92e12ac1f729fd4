package io.firehosegateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.RecordingSink;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * A page's request whose {@code Content-Type} is a wildcard ({@code application/*}): no body can have
 * that type, so the event endpoints refuse it with their 415 problem, and the page is answered with
 * its CORS headers so it can read why. It once reached a 500: Spring's CORS processor copied the
 * request's headers, charset included, and a wildcard type cannot carry one.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.sink=firehose",
            "gateway.streams.clicks.pack-bytes=0B",
            "gateway.security.api-keys[0].name=shop",
            "gateway.security.api-keys[0].key=" + WildcardContentTypeIntegrationTests.SHOP,
            "gateway.security.api-keys[0].streams=clicks",
            "gateway.security.api-keys[0].origins=" + WildcardContentTypeIntegrationTests.ORIGIN,
            "gateway.security.api-keys[1].name=backend",
            "gateway.security.api-keys[1].key=" + WildcardContentTypeIntegrationTests.BACKEND,
        })
@Import(RecordingSink.Configuration.class)
class WildcardContentTypeIntegrationTests {

    static final String SHOP = "shop-browser-key-7777777777";
    static final String BACKEND = "backend-key-888888888888888";
    static final String ORIGIN = "https://shop.example.com";

    private static final List<String> WILDCARDS = List.of("application/*", "*/*", "text/*; charset=UTF-8");

    @LocalServerPort
    int port;

    @Autowired
    RecordingSink sink;

    @Test
    void aPageSendingAWildcardTypeGetsTheEndpointsProblemWithItsCorsHeaders() {
        assertPagesGetTheProblem(new GatewayHttp(port), sink);
    }

    @Test
    void aServerSendingAWildcardTypeGetsTheSameProblem() {
        GatewayHttp http = new GatewayHttp(port);
        for (String type : WILDCARDS) {
            HttpResponse<String> answer = http.send(
                    "POST", "/events", "{\"a\":1}", "Content-Type", type, "Authorization", "Bearer " + BACKEND);

            assertThat(answer.statusCode()).as("%s: %s", type, answer.body()).isEqualTo(415);
            assertThat(answer.body()).contains("/problems/unsupported-media-type");
        }
    }

    static void assertPagesGetTheProblem(GatewayHttp http, RecordingSink sink) {
        int recordsBefore = sink.records().size();
        for (String path : List.of("/streams/clicks/events?key=" + SHOP, "/streams/clicks/events")) {
            for (String type : WILDCARDS) {
                HttpResponse<String> answer =
                        http.send("POST", path, "{\"a\":1}", "Content-Type", type, "X-API-Key", SHOP, "Origin", ORIGIN);

                assertThat(answer.statusCode())
                        .as("%s %s: %s", path, type, answer.body())
                        .isEqualTo(415);
                assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(answer.body()).contains("/problems/unsupported-media-type");
                assertThat(answer.headers().firstValue("Access-Control-Allow-Origin"))
                        .as("the page may read the problem")
                        .hasValue(ORIGIN);
            }
        }
        HttpResponse<String> elsewhere =
                http.send("POST", "/events", "{\"a\":1}", "Content-Type", "application/*", "Origin", ORIGIN);
        assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(401);
        assertThat(sink.records()).hasSize(recordsBefore);
    }

    /** The same through Spring Security's chain, which serves the event paths when the event filter is off. */
    @Nested
    @TestPropertySource(properties = "gateway.security.event-filter=false")
    class ThroughTheChain {

        @LocalServerPort
        int port;

        @Test
        void aPageSendingAWildcardTypeGetsTheEndpointsProblemWithItsCorsHeaders() {
            assertPagesGetTheProblem(new GatewayHttp(port), sink);
        }
    }
}
