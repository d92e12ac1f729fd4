package io.firehosegateway.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.sink.firehose.FirehoseClientConfiguration;
import io.firehosegateway.support.LocalSinkFiles;
import io.firehosegateway.support.RecordingSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
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
 * Each stream goes to the sink it names, or to {@code gateway.sink}: here the default stream to
 * local files, one stream to a Kinesis-kind sink with a partition key, one to a Firehose-kind sink
 * under another destination name. Only the kinds some stream uses are built.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.local.roll-interval=100ms",
            "gateway.streams.orders.sink=kinesis",
            "gateway.streams.orders.partition-key=/user/id",
            "gateway.streams.clicks.sink=firehose",
            "gateway.streams.clicks.destination=clicks-delivery",
        })
@Import(SinkRoutingIntegrationTests.Sinks.class)
class SinkRoutingIntegrationTests {

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static Path directory;

    @DynamicPropertySource
    static void localDirectory(DynamicPropertyRegistry registry) throws IOException {
        directory = Files.createTempDirectory("sink-routing");
        registry.add("gateway.local.directory", directory::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("kinesisSink")
    RecordingSink kinesis;

    @Autowired
    @Qualifier(FirehoseClientConfiguration.SINK_BEAN)
    RecordingSink firehose;

    @Autowired
    MeterRegistry registry;

    @Test
    void eachStreamGoesToItsOwnSinkWithItsKeys() throws Exception {
        assertThat(post("/events", "{\"id\":\"d-1\"}").statusCode()).isEqualTo(200);
        assertThat(post("/streams/orders/events", "[{\"id\":\"o-1\",\"user\":{\"id\":\"u-1\"}},{\"id\":\"o-2\"}]")
                        .statusCode())
                .isEqualTo(200);
        assertThat(post("/streams/clicks/events", "{\"id\":\"c-1\"}").statusCode())
                .isEqualTo(200);

        assertThat(kinesis.sent())
                .extracting(SinkRecord::id, SinkRecord::key)
                .containsExactly(tuple("o-1", "u-1"), tuple("o-2", "o-2"));
        assertThat(kinesis.routes())
                .allMatch(route -> route.stream().equals("orders")
                        && route.destination().equals("orders")
                        && route.sink() == SinkKind.KINESIS);
        assertThat(firehose.records()).containsExactly("{\"id\":\"c-1\"}\n");
        assertThat(firehose.routes())
                .singleElement()
                .isEqualTo(new StreamRoutes.Route("clicks", "clicks-delivery", SinkKind.FIREHOSE));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(new LocalSinkFiles(directory).lines()).containsExactly("{\"id\":\"d-1\"}"));
        assertThat(registry.get("gateway.events.received")
                        .tags("stream", "orders", "sink", "kinesis")
                        .counter()
                        .count())
                .isEqualTo(2);
    }

    @Test
    void aKeyThatIsNoStringOrNumberRefusesTheWholeRequest() throws Exception {
        int before = kinesis.sent().size();

        HttpResponse<String> response = post(
                "/streams/orders/events",
                "{\"id\":\"fine\",\"user\":{\"id\":\"u\"}}\n{\"id\":\"bad\",\"user\":{\"id\":{\"no\":1}}}",
                "application/x-ndjson");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("type").asString()).endsWith("/problems/invalid-partition-key");
        assertThat(problem.get("index").asInt()).isEqualTo(1);
        assertThat(problem.get("id").asString()).isEqualTo("bad");
        assertThat(problem.get("detail").asString()).contains("an object").contains("/user/id");
        assertThat(kinesis.sent()).hasSize(before);
    }

    /**
     * A member name of 60,000 characters is within the gateway's limits (as long as a string) but
     * past Jackson's default for names: finding the key read the event again under that default and
     * answered 500.
     */
    @Test
    void aKeyAfterANameThatOnlyTheGatewaysLimitsAllowIsFound() throws Exception {
        String name = "n".repeat(60_000);

        HttpResponse<String> response =
                post("/streams/orders/events", "{\"id\":\"long-name\",\"" + name + "\":1,\"user\":{\"id\":\"u-9\"}}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(kinesis.sent()).extracting(SinkRecord::id, SinkRecord::key).contains(tuple("long-name", "u-9"));
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return post(path, body, "application/json");
    }

    private HttpResponse<String> post(String path, String body, String contentType) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Stand-ins for Kinesis and Firehose under the built-in sinks' bean names; the local sink is real. */
    @TestConfiguration(proxyBeanMethods = false)
    static class Sinks {

        @Bean("kinesisSink")
        RecordingSink kinesisSink() {
            return new RecordingSink(SinkKind.KINESIS);
        }

        @Bean(FirehoseClientConfiguration.SINK_BEAN)
        RecordingSink firehoseSink() {
            return new RecordingSink(SinkKind.FIREHOSE);
        }
    }
}
