package io.firehosegateway.security;

import static io.firehosegateway.security.GatewayHttp.bearer;
import static io.firehosegateway.security.GatewayHttp.problemType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.support.RecordingSink;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/** Each key has its own bucket: past its burst a key gets 429 with Retry-After, and others go on. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.sink=firehose",
            "gateway.security.rate-limit.requests-per-second=1",
            "gateway.security.rate-limit.burst=3",
            "gateway.security.api-keys[0].name=busy",
            "gateway.security.api-keys[0].key=" + RateLimitIntegrationTests.BUSY,
            "gateway.security.api-keys[1].name=quiet",
            "gateway.security.api-keys[1].key=" + RateLimitIntegrationTests.QUIET,
        })
@Import(RecordingSink.Configuration.class)
class RateLimitIntegrationTests {

    static final String BUSY = "busy-key-1111111111111111";
    static final String QUIET = "quiet-key-2222222222222222";

    @LocalServerPort
    int port;

    @Autowired
    RecordingSink sink;

    @Test
    void aKeyPastItsBurstGetsTooManyRequestsWithRetryAfterAndOtherKeysGoOn() {
        GatewayHttp http = new GatewayHttp(port);
        String run = UUID.randomUUID().toString();
        List<HttpResponse<String>> responses = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            HttpResponse<String> response = http.post("/events", "{\"id\":\"" + run + "-" + i + "\"}", bearer(BUSY));
            responses.add(response);
            if (response.statusCode() == 429) {
                refused = response;
            }
        }

        // The burst of 3 goes through at once; at 1 a second the bucket then runs dry.
        assertThat(refused).as("a 429 within 20 requests").isNotNull();
        assertThat(responses.size() - 1).isGreaterThanOrEqualTo(3);
        assertThat(problemType(refused)).isEqualTo("/problems/rate-limited");
        assertThat(refused.headers().firstValue("Retry-After"))
                .hasValueSatisfying(
                        seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 2L));
        assertThat(http.post("/events", "{\"a\":1}", bearer(QUIET)).statusCode())
                .isEqualTo(200);

        // Refused requests deliver nothing; the ones let through were all delivered (confirmed mode).
        assertThat(responses.subList(0, responses.size() - 1))
                .allSatisfy(response -> assertThat(response.statusCode()).isEqualTo(200));
        assertThat(sink.records()).filteredOn(record -> record.contains(run)).hasSize(responses.size() - 1);

        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> http.post("/events", "{\"a\":1}", bearer(BUSY)).statusCode() == 200);
        assertThat(http.get("/actuator/prometheus").body())
                .containsPattern("gateway_security_requests_total\\{key=\"busy\",outcome=\"rate-limited\"\\} [1-9]");
    }
}
