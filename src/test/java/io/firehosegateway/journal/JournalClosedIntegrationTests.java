package io.firehosegateway.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A request that meets the journal closed (the gateway shutting down) is a 503 to resend, never a 500. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class JournalClosedIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Path work;

    @LocalServerPort
    int port;

    @Autowired
    Journal journal;

    @DynamicPropertySource
    static void journaled(DynamicPropertyRegistry registry) throws IOException {
        work = Files.createTempDirectory("journal-closed");
        registry.add("gateway.sink", () -> "local");
        registry.add("gateway.local.directory", () -> work.resolve("data").toString());
        registry.add("gateway.delivery.mode", () -> "journaled");
        registry.add("gateway.journal.directory", () -> work.resolve("journal").toString());
        registry.add(
                "gateway.delivery.dead-letter-directory",
                () -> work.resolve("dead-letter").toString());
    }

    @Test
    void aRequestThatMeetsTheJournalClosedIsAnsweredJournalUnavailable() throws Exception {
        journal.close();

        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/events"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"after-close\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("type").asString()).isEqualTo("/problems/journal-unavailable");
    }
}
