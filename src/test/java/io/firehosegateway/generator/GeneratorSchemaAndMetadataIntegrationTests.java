package io.firehosegateway.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.support.RecordingSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The generator and a stream's schema and metadata: it makes UUID test events no schema was written
 * for, so it refuses to generate into a stream with a schema; into a stream with metadata its events
 * carry the facts of the request that started the job, as posted events carry theirs.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.sink=firehose",
            "gateway.instance=gw-gen-1",
            "gateway.streams.events.metadata.member=_meta",
            "gateway.streams.events.metadata.facts=received-at,key,request-id,instance,client-address,schema-hash",
            "gateway.streams.checked.schema=classpath:io/firehosegateway/api/fuzz-schemas/events.json",
            "gateway.security.api-keys[0].name=loader",
            "gateway.security.api-keys[0].key=" + GeneratorSchemaAndMetadataIntegrationTests.KEY,
            "gateway.security.api-keys[0].generator=true",
        })
@Import(RecordingSink.Configuration.class)
class GeneratorSchemaAndMetadataIntegrationTests {

    static final String KEY = "loader-key-0123456789abcdef";

    private static final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    RecordingSink sink;

    @Test
    void refusesToGenerateIntoAStreamWithASchema() throws Exception {
        HttpResponse<String> response = post("/events/generate?count=3&stream=checked", "gen-schema-1");

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.path("type").asString()).isEqualTo("/problems/stream-has-schema");
        assertThat(problem.path("stream").asString()).isEqualTo("checked");
    }

    @Test
    void generatedEventsCarryTheMetadataOfTheRequestThatStartedTheJob() throws Exception {
        HttpResponse<String> response = post("/events/generate?count=3&wait=true", "gen-meta-1");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.records().size() == 3);
        for (String record : sink.records()) {
            JsonNode meta = json.readTree(record).path("_meta");
            assertThat(meta.propertyNames())
                    .containsExactly("receivedAt", "key", "requestId", "instance", "clientAddress", "schemaHash");
            assertThat(meta.path("key").asString()).isEqualTo("loader");
            assertThat(meta.path("requestId").asString()).isEqualTo("gen-meta-1");
            assertThat(meta.path("instance").asString()).isEqualTo("gw-gen-1");
            assertThat(meta.path("clientAddress").asString()).isEqualTo("127.0.0.1");
            assertThat(meta.path("schemaHash").isNull()).isTrue();
        }
    }

    private HttpResponse<String> post(String path, String requestId) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("Authorization", "Bearer " + KEY)
                                .header("X-Request-Id", requestId)
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
