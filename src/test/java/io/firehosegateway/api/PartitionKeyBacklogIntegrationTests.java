package io.firehosegateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.schema.SchemaTestFiles;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
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
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@code per-key} stream whose hot key's shard never answers: the key's waiting events may hold
 * one request's share of the buffer (10 of 100 events here); past it the key's requests are refused
 * {@code 429} as problem+json with {@code Retry-After}, while other keys are still taken. A request
 * whose invalid events are routed to another stream is bound the same way.
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
class PartitionKeyBacklogIntegrationTests {

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Path schemas;

    static {
        try {
            schemas = Files.createTempDirectory("key-backlog");
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
                () -> SchemaTestFiles.write(schemas, "order.json", "{\"properties\":{\"qty\":{\"type\":\"integer\"}}}")
                        .toString());
    }

    @Test
    void aBackedUpKeyIsRefused429WhileOtherKeysAreTaken() throws Exception {
        // One hot event in a call that is never answered, then ten waiting behind it: its share.
        assertThat(post(events("hot", 1)).statusCode()).isEqualTo(202);
        assertThat(post(events("hot", 10)).statusCode()).isEqualTo(202);

        HttpResponse<String> refused = post(events("hot", 1));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        JsonNode problem = json.readTree(refused.body());
        assertThat(problem.get("type").asString()).endsWith("/problems/partition-key-backlog");
        assertThat(problem.get("maxEvents").asInt()).isEqualTo(10);
        assertThat(problem.get("detail").asString()).contains("orders").contains("other keys are taken");
        assertThat(post(events("cold", 5)).statusCode()).isEqualTo(202);
    }

    @Test
    void aRoutedRequestWithABackedUpKeyIsRefused429Whole() throws Exception {
        assertThat(post(events("hot-routed", 1)).statusCode()).isEqualTo(202);
        assertThat(post(events("hot-routed", 10)).statusCode()).isEqualTo(202);

        // Its last event fails the schema and would go to orders-invalid: the whole request is refused.
        HttpResponse<String> refused = post(events("hot-routed", 5, "\"many\""));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(refused.body());
        assertThat(problem.get("type").asString()).endsWith("/problems/partition-key-backlog");
        assertThat(problem.get("detail").asString()).contains("orders").contains("nothing of this request was taken");
        assertThat(post(events("cold-routed", 5, "\"many\"")).statusCode()).isEqualTo(202);
    }

    @Test
    void anEventOverAKinesisRecordIsNotSaidToBeTooLargeForAFirehoseRecord() throws Exception {
        String big = "{\"id\":\"big\",\"user\":\"cold\",\"p\":\"" + "x".repeat(1024 * 1024) + "\"}";

        HttpResponse<String> refused = post(big);

        assertThat(refused.statusCode()).isEqualTo(413);
        JsonNode problem = json.readTree(refused.body());
        assertThat(problem.get("type").asString()).endsWith("/problems/event-too-large");
        assertThat(problem.get("title").asString()).doesNotContain("Firehose");
    }

    private static String events(String user, int count) {
        return events(user, count, "1");
    }

    /** {@code count} events of one user, the last with {@code lastQty} as its quantity. */
    private static String events(String user, int count, String lastQty) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add("{\"id\":\"" + user + "-" + System.nanoTime() + "\",\"user\":\"" + user + "\",\"qty\":"
                    + (i == count - 1 ? lastQty : "1") + "}");
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

    /** A Kinesis-kind sink whose {@code hot} keys' calls are never answered; the rest are accepted. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Sinks {

        @Bean("kinesisSink")
        Sink kinesisSink() {
            return new Sink() {
                @Override
                public SinkKind kind() {
                    return SinkKind.KINESIS;
                }

                @Override
                public SinkLimits limits() {
                    return new SinkLimits(
                            500, 10 * 1024 * 1024, SinkLimits.Encoding.RAW, 0, 0, 1024 * 1024, 1000, 25_000);
                }

                @Override
                public CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> records) {
                    if (records.stream().anyMatch(record -> record.key().startsWith("hot"))) {
                        return new CompletableFuture<>();
                    }
                    return CompletableFuture.completedFuture(new BatchResult(
                            records.stream().map(r -> RecordOutcome.ACCEPTED).toList()));
                }
            };
        }
    }
}
