package io.firehosegateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.RawHttp;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document and Swagger UI's configuration name the gateway by its configured public URL
 * or not at all, never by the {@code Host} a caller sent, and declare how a key is sent.
 */
class OpenApiDocumentationIntegrationTests {

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final String FORGED_HOST = "attacker.example";

    @TempDir
    static Path directory;

    @DynamicPropertySource
    static void localSink(DynamicPropertyRegistry registry) {
        registry.add("gateway.local.directory", () -> directory.toString());
    }

    static JsonNode getWithHost(int port, String path, String host) {
        RawHttp.Response response =
                RawHttp.exchange(port, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
    class WithoutAPublicUrl {

        @LocalServerPort
        int port;

        @Test
        void namesNoServerButTheRelativeRoot() {
            JsonNode document = getWithHost(port, "/v3/api-docs", FORGED_HOST);

            assertThat(document.toString()).doesNotContain(FORGED_HOST);
            assertThat(document.path("servers")).hasSize(1);
            assertThat(document.path("servers").path(0).path("url").asString()).isEqualTo("/");
        }

        @Test
        void givesSwaggerUiNoRedirectUrlOfTheCallersHost() {
            JsonNode config = getWithHost(port, "/v3/api-docs/swagger-config", FORGED_HOST);

            assertThat(config.toString()).doesNotContain(FORGED_HOST);
            assertThat(config.path("oauth2RedirectUrl").asString("/swagger-ui/oauth2-redirect.html"))
                    .as("relative, if there at all")
                    .isEqualTo("/swagger-ui/oauth2-redirect.html");
        }

        @Test
        void describesTheIdempotencyKeyItsReplayAndItsConflictsOnBothEventEndpoints() {
            JsonNode document = getWithHost(port, "/v3/api-docs", "localhost");

            for (String path : List.of("/events", "/streams/{stream}/events")) {
                JsonNode post = document.path("paths").path(path).path("post");
                assertThat(post.path("parameters")
                                .valueStream()
                                .filter(parameter ->
                                        parameter.path("in").asString().equals("header"))
                                .map(parameter -> parameter.path("name").asString()))
                        .as(path)
                        .contains("Idempotency-Key");
                JsonNode responses = post.path("responses");
                for (String status : List.of("200", "202")) {
                    assertThat(responses.path(status).path("headers").has("Idempotent-Replayed"))
                            .as(path + " " + status)
                            .isTrue();
                }
                for (String status : List.of("409", "422")) {
                    assertThat(responses.path(status).path("content").has("application/problem+json"))
                            .as(path + " " + status)
                            .isTrue();
                }
                assertThat(responses.path("409").path("description").asString()).contains("idempotency-key-in-use");
                assertThat(responses.path("422").path("description").asString()).contains("idempotency-key-reused");
            }
        }

        @Test
        void declaresBothWaysOfSendingAKeyAndThatTheApiNeedsOne() {
            JsonNode document = getWithHost(port, "/v3/api-docs", "localhost");

            JsonNode schemes = document.path("components").path("securitySchemes");
            assertThat(schemes.path("bearer").path("type").asString()).isEqualTo("http");
            assertThat(schemes.path("bearer").path("scheme").asString()).isEqualTo("bearer");
            assertThat(schemes.path("apiKey").path("type").asString()).isEqualTo("apiKey");
            assertThat(schemes.path("apiKey").path("in").asString()).isEqualTo("header");
            assertThat(schemes.path("apiKey").path("name").asString()).isEqualTo("X-API-Key");
            assertThat(document.path("security").toString()).contains("bearer", "apiKey");
        }
    }

    @Nested
    @SpringBootTest(
            webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "gateway.public-url=https://events.example.com/ingest")
    @DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
    class WithAPublicUrl {

        @LocalServerPort
        int port;

        @Test
        void namesTheConfiguredUrlWhateverTheHost() {
            JsonNode document = getWithHost(port, "/v3/api-docs", FORGED_HOST);

            assertThat(document.toString()).doesNotContain(FORGED_HOST);
            assertThat(document.path("servers")).hasSize(1);
            assertThat(document.path("servers").path(0).path("url").asString())
                    .isEqualTo("https://events.example.com/ingest");
        }

        @Test
        void givesSwaggerUiTheRedirectUrlUnderTheConfiguredUrl() {
            JsonNode config = getWithHost(port, "/v3/api-docs/swagger-config", FORGED_HOST);

            assertThat(config.toString()).doesNotContain(FORGED_HOST);
            assertThat(config.path("oauth2RedirectUrl").asString())
                    .isEqualTo("https://events.example.com/ingest/swagger-ui/oauth2-redirect.html");
        }
    }
}
