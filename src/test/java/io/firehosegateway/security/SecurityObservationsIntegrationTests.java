package io.firehosegateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.RecordingSink;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

/**
 * Spring Security's observations of its filter chain are off by default, since they cost more CPU
 * per request than the gateway's own work; the one property that turns them back on still does.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "gateway.sink=firehose")
@Import(RecordingSink.Configuration.class)
class SecurityObservationsIntegrationTests {

    @LocalServerPort
    int port;

    @Test
    void theChainIsNotObservedByDefault() {
        GatewayHttp http = new GatewayHttp(port);

        assertThat(http.post("/events", "{\"a\":1}").statusCode()).isEqualTo(200);

        String metrics = http.get("/actuator/prometheus").body();
        assertThat(metrics).contains("gateway_security_requests_total").doesNotContain("spring_security_");
    }

    @Nested
    @TestPropertySource(properties = "management.observations.enable.spring.security=true")
    class TurnedOn {

        @LocalServerPort
        int port;

        @Test
        void theChainIsObserved() {
            GatewayHttp http = new GatewayHttp(port);

            assertThat(http.post("/events", "{\"a\":1}").statusCode()).isEqualTo(200);

            assertThat(http.get("/actuator/prometheus").body())
                    .contains("spring_security_authorizations_seconds_count");
        }
    }
}
