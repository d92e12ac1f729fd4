package io.firehosegateway.security;

import static io.firehosegateway.security.GatewayHttp.bearer;
import static io.firehosegateway.security.GatewayHttp.noKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.RecordingSink;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

/**
 * Of actuator only health, info and prometheus answer, and health's details go only to a caller with
 * a key; probes still answer anyone with their status code.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.sink=firehose",
            "gateway.security.api-keys[0].name=ops",
            "gateway.security.api-keys[0].key=" + ActuatorExposureIntegrationTests.KEY,
            "gateway.security.api-keys[1].name=audit-writer",
            "gateway.security.api-keys[1].key=" + ActuatorExposureIntegrationTests.STREAM_KEY,
            "gateway.security.api-keys[1].streams=audit",
            "gateway.streams.audit.pack-bytes=0B",
        })
@Import(RecordingSink.Configuration.class)
class ActuatorExposureIntegrationTests {

    static final String KEY = "ops-key-5e4d3c2b1a0f9e8d7c6b";

    /** A key limited to the stream {@code audit}. */
    static final String STREAM_KEY = "audit-key-0f1e2d3c4b5a6978";

    /** Endpoints that hand out secrets, memory or control, with the method that would use them. */
    static final String[][] DANGEROUS = {
        {"GET", "/actuator/env"},
        {"GET", "/actuator/env/gateway.security.api-keys%5B0%5D.key"},
        {"GET", "/actuator/heapdump"},
        {"GET", "/actuator/beans"},
        {"GET", "/actuator/configprops"},
        {"GET", "/actuator/threaddump"},
        {"GET", "/actuator/loggers"},
        {"POST", "/actuator/loggers/ROOT"},
        {"POST", "/actuator/shutdown"},
        {"GET", "/actuator/mappings"},
        {"GET", "/actuator"},
    };

    @LocalServerPort
    int port;

    GatewayHttp http;

    @BeforeEach
    void client() {
        http = new GatewayHttp(port);
    }

    @Test
    void endpointsOtherThanHealthInfoAndPrometheusAreUnreachableWithOrWithoutAKey() {
        for (String[] endpoint : DANGEROUS) {
            HttpResponse<String> anonymous = http.send(endpoint[0], endpoint[1], null, noKey());
            HttpResponse<String> withKey = http.send(endpoint[0], endpoint[1], null, bearer(KEY));

            assertThat(anonymous.statusCode())
                    .as("%s %s without a key: %s", endpoint[0], endpoint[1], anonymous.body())
                    .isIn(401, 403, 404);
            assertThat(withKey.statusCode())
                    .as("%s %s with a key: %s", endpoint[0], endpoint[1], withKey.body())
                    .isIn(403, 404);
            assertThat(withKey.body()).doesNotContain(KEY);
        }
    }

    @Test
    void healthShowsNoDetailsWithoutAKey() {
        HttpResponse<String> response = http.get("/actuator/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = GatewayHttp.body(response);
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.has("components")).as(response.body()).isFalse();
        assertThat(health.has("details")).as(response.body()).isFalse();
    }

    @Test
    void healthShowsItsComponentsAndDetailsWithAKey() {
        HttpResponse<String> response = http.get("/actuator/health", bearer(KEY));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode components = GatewayHttp.body(response).path("components");
        assertThat(components.path("buffer").path("details").isObject())
                .as(response.body())
                .isTrue();
        assertThat(components.path("delivery").path("status").asString()).isEqualTo("UP");
    }

    @Test
    void healthDetailsShowNeitherTheWorkingDirectoryNorComponentsOfNoUseToAClient() {
        HttpResponse<String> response = http.get("/actuator/health", bearer(KEY));

        JsonNode components = GatewayHttp.body(response).path("components");
        assertThat(components.has("buffer")).as(response.body()).isTrue();
        assertThat(components.has("diskSpace")).as(response.body()).isFalse();
        assertThat(components.has("ssl")).as(response.body()).isFalse();
        assertThat(components.has("ping")).as(response.body()).isFalse();
        assertThat(response.body()).doesNotContain(System.getProperty("user.dir"));
    }

    @Test
    void aKeyLimitedToSomeStreamsSeesOnlyTheStatusNotOtherStreams() {
        assertThat(http.post("/streams/audit/events", "{\"a\":1}", bearer(STREAM_KEY))
                        .statusCode())
                .isEqualTo(200);

        HttpResponse<String> response = http.get("/actuator/health", bearer(STREAM_KEY));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = GatewayHttp.body(response);
        assertThat(health.path("status").asString()).isEqualTo("UP");
        assertThat(health.has("components")).as(response.body()).isFalse();
        assertThat(response.body()).doesNotContain("\"events\"");
    }

    @Test
    void probesAnswerAnyoneWithTheirStatusCode() {
        assertThat(http.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(http.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }

    @Test
    void infoAndPrometheusAnswerWithoutAKey() {
        assertThat(http.get("/actuator/info").statusCode()).isEqualTo(200);
        HttpResponse<String> scrape = http.get("/actuator/prometheus");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("gateway_buffer_records");
    }
}
