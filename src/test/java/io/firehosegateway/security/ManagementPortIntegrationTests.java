package io.firehosegateway.security;

import static io.firehosegateway.security.GatewayHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.RecordingSink;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * {@code management.server.port} moves actuator to a port of its own, where the same rules hold: the
 * three endpoints, details for key holders only, nothing else. The API's port no longer has actuator.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.server.port=0",
            "gateway.sink=firehose",
            "gateway.security.api-keys[0].name=ops",
            "gateway.security.api-keys[0].key=" + ManagementPortIntegrationTests.KEY,
        })
@Import(RecordingSink.Configuration.class)
class ManagementPortIntegrationTests {

    static final String KEY = "ops-key-1a2b3c4d5e6f7a8b9c0d";

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void actuatorAnswersOnItsOwnPortUnderTheSameRules() {
        GatewayHttp management = new GatewayHttp(managementPort);
        GatewayHttp api = new GatewayHttp(port);
        assertThat(managementPort).isNotEqualTo(port);

        assertThat(management.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(GatewayHttp.body(management.get("/actuator/health")).has("components"))
                .isFalse();
        assertThat(GatewayHttp.body(management.get("/actuator/health", bearer(KEY)))
                        .has("components"))
                .isTrue();
        assertThat(management.get("/actuator/prometheus").body()).contains("gateway_buffer_records");
        assertThat(management.get("/actuator/env").statusCode()).isIn(401, 403, 404);
        assertThat(management.get("/actuator/env", bearer(KEY)).statusCode()).isIn(403, 404);

        assertThat(api.get("/actuator/health", bearer(KEY)).statusCode()).isEqualTo(404);
        assertThat(api.post("/events", "{\"a\":1}").statusCode()).isEqualTo(401);
        assertThat(api.post("/events", "{\"a\":1}", bearer(KEY)).statusCode()).isEqualTo(200);
    }
}
