package io.firehosegateway.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.support.LocalSinkFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The load generator through the running gateway, its events read back from the local sink's files. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class GeneratorIntegrationTests {

    private static final JsonMapper json = JsonMapper.builder().build();

    @TempDir
    static Path directory;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void localSink(DynamicPropertyRegistry registry) {
        registry.add("gateway.local.directory", () -> directory.toString());
        registry.add("gateway.local.roll-interval", () -> "200ms");
    }

    @Test
    void startsAJobAt202WithALocationThatShowsItsProgressUntilDone() throws Exception {
        HttpResponse<String> started = send("POST", "/events/generate?count=50");

        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode summary = json.readTree(started.body());
        String id = summary.get("id").asString();
        assertThat(UUID.fromString(id)).isNotNull();
        assertThat(started.headers().firstValue("Location")).hasValue("/events/generate/" + id);
        assertThat(summary.get("stream").asString()).isEqualTo("events");
        assertThat(summary.get("state").asString()).isIn("running", "done");
        assertThat(summary.get("requested").asLong()).isEqualTo(50);

        HttpResponse<String> progress = send("GET", "/events/generate/" + id);
        assertThat(progress.statusCode()).isEqualTo(200);
        assertThat(progress.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonNode shown = json.readTree(progress.body());
        assertThat(fieldNames(shown))
                .containsExactlyInAnyOrder(
                        "id",
                        "stream",
                        "state",
                        "requested",
                        "accepted",
                        "delivered",
                        "failed",
                        "started",
                        "elapsedSeconds",
                        "eventsPerSecond");
        assertThat(shown.get("id").asString()).isEqualTo(id);
        assertThat(shown.get("state").asString()).isIn("running", "done");
        assertThat(shown.get("accepted").asLong()).isBetween(0L, 50L);
        assertThat(shown.get("delivered").asLong())
                .isBetween(0L, shown.get("accepted").asLong());
        assertThat(Instant.parse(shown.get("started").asString()))
                .isBefore(Instant.now().plusSeconds(1));
        assertThat(shown.get("elapsedSeconds").asDouble()).isNotNegative();

        JsonNode done = await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> json.readTree(
                                send("GET", "/events/generate/" + id).body()),
                        job -> job.get("state").asString().equals("done"));
        assertThat(done.get("accepted").asLong()).isEqualTo(50);
        assertThat(done.get("delivered").asLong()).isEqualTo(50);
        assertThat(done.get("failed").asLong()).isZero();
    }

    @Test
    void waitAnswersWhenDoneAndEveryEventLandsExactlyOnce() throws Exception {
        int count = 1234; // more than two chunks of 500, the last one partial

        HttpResponse<String> response = send("POST", "/events/generate?count=" + count + "&wait=true");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode summary = json.readTree(response.body());
        String job = summary.get("id").asString();
        assertThat(response.headers().firstValue("Location")).hasValue("/events/generate/" + job);
        assertThat(summary.get("state").asString()).isEqualTo("done");
        assertThat(summary.get("requested").asLong()).isEqualTo(count);
        assertThat(summary.get("accepted").asLong()).isEqualTo(count);
        assertThat(summary.get("delivered").asLong()).isEqualTo(count);
        assertThat(summary.get("failed").asLong()).isZero();

        LocalSinkFiles files = new LocalSinkFiles(directory);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> files.openFiles() == 0 && ofJob(files, job).size() >= count);
        List<JsonNode> events = ofJob(files, job);
        assertThat(events).hasSize(count);
        List<Long> sequences = new ArrayList<>();
        for (JsonNode event : events) {
            assertThat(event.get("id").asString()).isNotBlank();
            assertThat(Instant.parse(event.get("timestamp").asString())).isNotNull();
            assertThat(event.get("source").asString()).isEqualTo("generator");
            sequences.add(event.get("sequence").asLong());
        }
        assertThat(sequences)
                .containsExactlyInAnyOrderElementsOf(
                        LongStream.range(0, count).boxed().toList());
        assertThat(events).extracting(event -> event.get("id").asString()).doesNotHaveDuplicates();
    }

    @Test
    void unknownJobIsAProblem() throws Exception {
        HttpResponse<String> response = send("GET", "/events/generate/no-such-job");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("type").asString()).isEqualTo("/problems/job-not-found");
        assertThat(problem.get("job").asString()).isEqualTo("no-such-job");
    }

    private static List<JsonNode> ofJob(LocalSinkFiles files, String job) {
        return files.lines().stream()
                .filter(line -> line.contains(job))
                .map(json::readTree)
                .filter(event -> job.equals(event.path("job").asString()))
                .toList();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
