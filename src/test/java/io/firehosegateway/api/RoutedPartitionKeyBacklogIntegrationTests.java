package io.firehosegateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.schema.SchemaTestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A request with an invalid event, routed to another stream, is bound by its keys' backlog as a
 * plain one is: a backed-up key refuses the whole request {@code 429}, its routed part included.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.sink=kinesis",
            "gateway.delivery.mode=buffered",
            "gateway.delivery.drain-timeout=1s",
            "gateway.buffer.max-records=100",
            "gateway.buffer.request-share=0.1",
            "gateway.default-stream=orders",
            "gateway.streams.orders.partition-key=/user",
            "gateway.streams.orders.ordering=per-key",
            "gateway.streams.orders.on-invalid=route:orders-invalid",
            "gateway.streams.orders-invalid.pack-bytes=0B",
        })
@Import(PartitionKeyBacklogIntegrationTests.Sinks.class)
class RoutedPartitionKeyBacklogIntegrationTests {

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Path schemas;

    static {
        try {
            schemas = Files.createTempDirectory("routed-backlog");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void schemaFile(DynamicPropertyRegistry registry) {
        registry.add(
                "gateway.streams.orders.schema",
                () -> SchemaTestFiles.write(
                                schemas,
                                "order.json",
                                "{\"type\":\"object\",\"properties\":{\"qty\":{\"type\":\"integer\"}}}")
                        .toString());
    }

    @Test
    void aRoutedRequestWithABackedUpKeyIsRefused429Whole() throws Exception {
        // One hot event in a call that is never answered, then ten waiting behind it: its share.
        assertThat(post(events("hot", 1, false)).statusCode()).isEqualTo(202);
        assertThat(post(events("hot", 10, false)).statusCode()).isEqualTo(202);

        HttpResponse<String> refused = post(events("hot", 5, true));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        JsonNode problem = json.readTree(refused.body());
        assertThat(problem.get("type").asString()).endsWith("/problems/partition-key-backlog");
        assertThat(problem.get("maxEvents").asInt()).isEqualTo(10);
        assertThat(post(events("cold", 5, true)).statusCode()).isEqualTo(202);
    }

    /** {@code count} events of one user; with {@code oneInvalid}, the last one fails the schema and is routed. */
    private static String events(String user, int count, boolean oneInvalid) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String qty = oneInvalid && i == count - 1 ? "\"many\"" : "1";
            events.add("{\"id\":\"" + user + "-" + System.nanoTime() + "\",\"user\":\"" + user + "\",\"qty\":" + qty
                    + "}");
        }
        return "[" + String.join(",", events) + "]";
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
