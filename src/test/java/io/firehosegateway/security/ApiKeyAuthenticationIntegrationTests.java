package io.firehosegateway.security;

import static io.firehosegateway.security.GatewayHttp.apiKeyHeader;
import static io.firehosegateway.security.GatewayHttp.bearer;
import static io.firehosegateway.security.GatewayHttp.problemType;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.RecordingSink;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/**
 * With keys set: the event endpoints and the generator need a valid key in either header, a key is
 * held to its streams and generator right before its body is read, and keys appear in metrics and
 * logs by name only.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.sink=firehose",
            "gateway.streams.audit.pack-bytes=0B",
            "gateway.streams.billing.pack-bytes=0B",
            "gateway.security.api-keys[0].name=ingest",
            "gateway.security.api-keys[0].key=" + ApiKeyAuthenticationIntegrationTests.INGEST,
            "gateway.security.api-keys[1].name=auditor",
            "gateway.security.api-keys[1].key=" + ApiKeyAuthenticationIntegrationTests.AUDITOR,
            "gateway.security.api-keys[1].streams=audit",
            "gateway.security.api-keys[2].name=loadtest",
            "gateway.security.api-keys[2].key=" + ApiKeyAuthenticationIntegrationTests.LOADTEST,
            "gateway.security.api-keys[2].generator=true",
        })
@Import(RecordingSink.Configuration.class)
class ApiKeyAuthenticationIntegrationTests {

    static final String INGEST = "ingest-3f9a1c7e5b2d4a6f8e0c";
    static final String AUDITOR = "auditor-9b8c7d6e5f4a3b2c1d0e";
    static final String LOADTEST = "loadtest-0a1b2c3d4e5f6a7b8c9d";

    @LocalServerPort
    int port;

    @Autowired
    RecordingSink sink;

    GatewayHttp http;

    @BeforeEach
    void client() {
        http = new GatewayHttp(port);
    }

    @Test
    void eventEndpointsAndGeneratorWithoutAKeyAreUnauthorizedProblems() {
        for (HttpResponse<String> response : new HttpResponse[] {
            http.post("/events", "{\"a\":1}"),
            http.post("/streams/audit/events", "{\"a\":1}"),
            http.send("POST", "/events/generate?count=1", null),
            http.get("/events/generate/some-job")
        }) {
            assertThat(response.statusCode()).as(response.uri().toString()).isEqualTo(401);
            assertThat(problemType(response)).isEqualTo("/problems/unauthorized");
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
        }
    }

    @Test
    void aWrongKeyIsUnauthorizedInEitherHeader() {
        String wrong = "wrong-key-0000000000000000";
        for (String[] header : new String[][] {
            bearer(wrong),
            apiKeyHeader(wrong),
            bearer(INGEST + "x"),
            bearer(INGEST.substring(1)),
            {"Authorization", "Basic " + INGEST}
        }) {
            HttpResponse<String> response = http.post("/events", "{\"a\":1}", header);
            assertThat(response.statusCode()).as(String.join(": ", header)).isEqualTo(401);
            assertThat(problemType(response)).isEqualTo("/problems/unauthorized");
        }
        assertThat(GatewayHttp.body(http.post("/events", "{\"a\":1}", bearer(wrong)))
                        .path("detail")
                        .asString())
                .contains("not valid");
    }

    @Test
    void theRightKeyIsAcceptedInEitherHeader() {
        String run = UUID.randomUUID().toString();
        HttpResponse<String> viaBearer = http.post("/events", "{\"id\":\"" + run + "-1\"}", bearer(INGEST));
        HttpResponse<String> viaHeader = http.post("/events", "{\"id\":\"" + run + "-2\"}", apiKeyHeader(INGEST));
        HttpResponse<String> lowerCaseScheme =
                http.post("/events", "{\"id\":\"" + run + "-3\"}", "Authorization", "bearer " + INGEST);

        assertThat(viaBearer.statusCode()).as(viaBearer.body()).isEqualTo(200);
        assertThat(viaHeader.statusCode()).as(viaHeader.body()).isEqualTo(200);
        assertThat(lowerCaseScheme.statusCode()).as(lowerCaseScheme.body()).isEqualTo(200);
        assertThat(sink.records()).filteredOn(record -> record.contains(run)).hasSize(3);
    }

    @Test
    void aKeyOutsideItsStreamsIsForbiddenBeforeItsBodyIsReadAndDeliversNothing() {
        String run = UUID.randomUUID().toString();
        String valid = "[{\"id\":\"" + run + "-a\"},{\"id\":\"" + run + "-b\"}]";

        HttpResponse<String> otherStream = http.post("/streams/billing/events", valid, bearer(AUDITOR));
        HttpResponse<String> defaultStream = http.post("/events", valid, apiKeyHeader(AUDITOR));
        // A malformed body would be a 400 if it were read: the 403 comes first.
        HttpResponse<String> malformed = http.post("/streams/billing/events", "[{\"id\":", bearer(AUDITOR));
        HttpResponse<String> ownStream =
                http.post("/streams/audit/events", "{\"id\":\"" + run + "-marker\"}", bearer(AUDITOR));

        for (HttpResponse<String> forbidden : new HttpResponse[] {otherStream, defaultStream, malformed}) {
            assertThat(forbidden.statusCode()).as(forbidden.body()).isEqualTo(403);
            assertThat(problemType(forbidden)).isEqualTo("/problems/forbidden");
        }
        // Confirmed mode: the marker's 200 means it was delivered, after anything sent before it.
        assertThat(ownStream.statusCode()).as(ownStream.body()).isEqualTo(200);
        assertThat(sink.records())
                .filteredOn(record -> record.contains(run))
                .containsExactly("{\"id\":\"" + run + "-marker\"}\n");
    }

    @Test
    void aKeyForEveryStreamMaySendToAnyConfiguredStream() {
        assertThat(http.post("/streams/billing/events", "{\"a\":1}", bearer(INGEST))
                        .statusCode())
                .isEqualTo(200);
        // Beyond the key's rights, the stream must still exist.
        HttpResponse<String> unknown = http.post("/streams/nope/events", "{\"a\":1}", bearer(INGEST));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(problemType(unknown)).isEqualTo("/problems/unknown-stream");
    }

    @Test
    void onlyAKeyWithTheGeneratorRightMayUseTheGenerator() {
        HttpResponse<String> withoutRight = http.send("POST", "/events/generate?count=3", null, bearer(INGEST));
        HttpResponse<String> limitedKey = http.send("POST", "/events/generate?count=3", null, bearer(AUDITOR));
        HttpResponse<String> started = http.send("POST", "/events/generate?count=3", null, bearer(LOADTEST));

        assertThat(withoutRight.statusCode()).isEqualTo(403);
        assertThat(problemType(withoutRight)).isEqualTo("/problems/forbidden");
        assertThat(limitedKey.statusCode()).isEqualTo(403);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String job = started.headers().firstValue("Location").orElseThrow();
        assertThat(http.get(job, bearer(LOADTEST)).statusCode()).isEqualTo(200);
        assertThat(http.get(job, bearer(INGEST)).statusCode()).isEqualTo(403);
    }

    @Test
    void metricsAndLogsNameKeysByNameNeverByValue(CapturedOutput output) {
        http.post("/events", "{\"a\":1}", bearer(INGEST));
        http.post("/events", "{\"a\":1}", bearer("wrong-key-0000000000000000"));
        http.post("/streams/billing/events", "{\"a\":1}", bearer(AUDITOR));

        String scrape = http.get("/actuator/prometheus").body();
        assertThat(scrape)
                .containsPattern("gateway_security_requests_total\\{key=\"ingest\",outcome=\"allowed\"\\} [1-9]")
                .containsPattern("gateway_security_requests_total\\{key=\"none\",outcome=\"unauthorized\"\\} [1-9]")
                .containsPattern("gateway_security_requests_total\\{key=\"auditor\",outcome=\"forbidden\"\\} [1-9]");
        for (String key : new String[] {INGEST, AUDITOR, LOADTEST}) {
            assertThat(scrape).doesNotContain(key);
            assertThat(output.getAll()).doesNotContain(key);
        }
    }
}
