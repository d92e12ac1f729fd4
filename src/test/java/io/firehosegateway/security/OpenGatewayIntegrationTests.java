package io.firehosegateway.security;

import static io.firehosegateway.security.GatewayHttp.noKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.RecordingSink;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * Without keys the gateway takes events and runs the generator for anyone, as before keys existed,
 * and shows health details; actuator stays closed all the same.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "gateway.sink=firehose")
@Import(RecordingSink.Configuration.class)
class OpenGatewayIntegrationTests {

    @LocalServerPort
    int port;

    @Test
    void anyoneMaySendEventsAndRunTheGeneratorButActuatorStaysClosed() {
        GatewayHttp http = new GatewayHttp(port);

        assertThat(http.post("/events", "{\"a\":1}").statusCode()).isEqualTo(200);
        assertThat(http.post("/streams/events/events", "{\"a\":1}").statusCode())
                .isEqualTo(200);
        assertThat(http.send("POST", "/events/generate?count=1", null).statusCode())
                .isEqualTo(202);
        assertThat(GatewayHttp.body(http.get("/actuator/health")).has("components"))
                .isTrue();
        for (String[] endpoint : ActuatorExposureIntegrationTests.DANGEROUS) {
            HttpResponse<String> response = http.send(endpoint[0], endpoint[1], null, noKey());
            assertThat(response.statusCode())
                    .as("%s %s", endpoint[0], endpoint[1])
                    .isIn(403, 404);
        }
        assertThat(http.get("/actuator/prometheus").body())
                .containsPattern("gateway_security_requests_total\\{key=\"open\",outcome=\"allowed\"\\} [1-9]");
    }
}
