package io.firehosegateway.security;

import static io.firehosegateway.security.GatewayHttp.bearer;
import static io.firehosegateway.security.GatewayHttp.noKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.RecordingSink;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * An operator who turns every endpoint on and exposes it (say by an environment variable) still
 * exposes nothing: the filter chain denies every endpoint but health, info and prometheus.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoints.access.default=unrestricted",
            "management.endpoints.web.exposure.include=*",
            "gateway.sink=firehose",
            "gateway.security.api-keys[0].name=ops",
            "gateway.security.api-keys[0].key=" + ActuatorWidenedExposureIntegrationTests.KEY,
        })
@Import(RecordingSink.Configuration.class)
class ActuatorWidenedExposureIntegrationTests {

    static final String KEY = "ops-key-7f6e5d4c3b2a1f0e9d8c";

    @LocalServerPort
    int port;

    @Test
    void theFilterChainStillDeniesEveryOtherEndpoint() {
        GatewayHttp http = new GatewayHttp(port);
        for (String[] endpoint : ActuatorExposureIntegrationTests.DANGEROUS) {
            HttpResponse<String> anonymous = http.send(endpoint[0], endpoint[1], null, noKey());
            HttpResponse<String> withKey = http.send(endpoint[0], endpoint[1], null, bearer(KEY));

            assertThat(anonymous.statusCode())
                    .as("%s %s without a key", endpoint[0], endpoint[1])
                    .isEqualTo(401);
            assertThat(withKey.statusCode())
                    .as("%s %s with a key", endpoint[0], endpoint[1])
                    .isEqualTo(403);
        }
        assertThat(http.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }
}
