package io.firehosegateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.schema.SchemaTestFiles;
import io.firehosegateway.support.StreamRecordingSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code schema-hash} metadata fact: each valid event carries the hash of the schema it was
 * checked against, the one {@code GET /streams/{stream}/schema} publishes and an invalid event's
 * wrapper names; with {@code schema-by} each event its own schema's; a reloaded schema its new hash.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.sink=firehose",
            "gateway.schema-validation.check-interval=100ms",
            "gateway.streams.clicks.on-invalid=route:clicks-invalid",
            "gateway.streams.clicks.metadata.member=_meta",
            "gateway.streams.clicks.metadata.facts=request-id,schema-hash",
            "gateway.streams.clicks-invalid.pack-bytes=0B",
            "gateway.streams.signups.schema-by=/type",
            "gateway.streams.signups.metadata.member=_meta",
            "gateway.streams.signups.metadata.facts=schema-hash",
            "gateway.streams.plain.metadata.member=_meta",
            "gateway.streams.plain.metadata.facts=schema-hash",
        })
@Import(StreamRecordingSink.Configuration.class)
class SchemaHashMetadataIntegrationTests {

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Path schemas;

    static {
        try {
            schemas = Files.createTempDirectory("schema-hash");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    StreamRecordingSink sink;

    @DynamicPropertySource
    static void schemaFiles(DynamicPropertyRegistry registry) {
        registry.add(
                "gateway.streams.clicks.schema",
                () -> SchemaTestFiles.write(schemas, "click.json", SchemaTestFiles.CLICK)
                        .toString());
        registry.add("gateway.streams.signups.schemas[0].value", () -> "signup");
        registry.add(
                "gateway.streams.signups.schemas[0].schema",
                () -> SchemaTestFiles.write(schemas, "signup.json", SchemaTestFiles.SIGNUP)
                        .toString());
        registry.add("gateway.streams.signups.schemas[1].value", () -> "purchase");
        registry.add(
                "gateway.streams.signups.schemas[1].schema",
                () -> SchemaTestFiles.write(schemas, "purchase.json", SchemaTestFiles.PURCHASE)
                        .toString());
    }

    @BeforeEach
    void clear() {
        sink.clear();
    }

    @Test
    void aValidEventCarriesTheHashThatTheSchemaEndpointPublishesAndTheWrapperNames() throws Exception {
        String published = publishedHashes("clicks").get(0);

        HttpResponse<String> response =
                post("/streams/clicks/events", "[{\"id\":\"ok\",\"page\":\"/\"},{\"id\":\"bad\",\"page\":7}]");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(published).matches("sha256:[0-9a-f]{64}");
        assertThat(sink.of("clicks"))
                .singleElement()
                .satisfies(event -> assertThat(
                                event.path("_meta").path("schemaHash").asString())
                        .isEqualTo(published));
        assertThat(sink.of("clicks-invalid"))
                .singleElement()
                .satisfies(wrapper -> assertThat(
                                wrapper.path("schema").path("hash").asString())
                        .isEqualTo(published));
    }

    @Test
    void withSchemaByEachEventCarriesItsOwnSchemasHash() throws Exception {
        List<String> published = publishedHashes("signups");

        HttpResponse<String> response = post(
                "/streams/signups/events",
                "[{\"id\":\"s\",\"type\":\"signup\",\"email\":\"ada@example.com\"},"
                        + "{\"id\":\"p\",\"type\":\"purchase\",\"amount\":3}]");

        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> events = sink.of("signups");
        assertThat(events).extracting(e -> e.path("id").asString()).containsExactly("s", "p");
        // Published sorted by value: purchase, then signup.
        assertThat(events.get(0).path("_meta").path("schemaHash").asString()).isEqualTo(published.get(1));
        assertThat(events.get(1).path("_meta").path("schemaHash").asString()).isEqualTo(published.get(0));
        assertThat(published.get(0)).isNotEqualTo(published.get(1));
    }

    @Test
    void aStreamWithoutASchemaWritesTheHashAsNull() throws Exception {
        HttpResponse<String> response = post("/streams/plain/events", "{\"id\":\"n\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(sink.records())
                .extracting(StreamRecordingSink.Delivered::data)
                .containsExactly("{\"id\":\"n\",\"_meta\":{\"schemaHash\":null}}\n");
    }

    @Test
    void aReloadedSchemaChangesTheHashEventsCarry() throws Exception {
        Path file = schemas.resolve("purchase.json");
        String before = publishedHashes("signups").get(0);
        try {
            Files.writeString(file, "{\"type\":\"object\",\"required\":[\"type\",\"amount\",\"currency\"]}");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !publishedHashes("signups").get(0).equals(before));
            String after = publishedHashes("signups").get(0);

            HttpResponse<String> response = post(
                    "/streams/signups/events",
                    "{\"id\":\"p2\",\"type\":\"purchase\",\"amount\":3,\"currency\":\"EUR\"}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(sink.of("signups"))
                    .singleElement()
                    .satisfies(event -> assertThat(
                                    event.path("_meta").path("schemaHash").asString())
                            .isEqualTo(after));
        } finally {
            Files.writeString(file, SchemaTestFiles.PURCHASE);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> publishedHashes("signups").get(0).equals(before));
        }
    }

    private List<String> publishedHashes(String stream) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri("/streams/" + stream + "/schema"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> hashes = new ArrayList<>();
        for (JsonNode schema : json.readTree(response.body()).path("schemas")) {
            hashes.add(schema.path("hash").asString());
        }
        return hashes;
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
