package io.firehosegateway.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.firehose.FirehoseClientConfiguration;
import io.firehosegateway.sink.firehose.FirehoseLimits;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Generation jobs are bounded: per key and in all, past which a start is refused with {@code
 * Retry-After}; they run without a thread each; a job's summary is its starter's to read.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.sink=firehose",
            "gateway.buffer.max-records=2000",
            "gateway.delivery.mode=buffered",
            "gateway.generator.max-running-jobs=3",
            "gateway.generator.max-running-jobs-per-key=2",
            "gateway.security.api-keys[0].name=first",
            "gateway.security.api-keys[0].key=" + GeneratorLimitsIntegrationTests.FIRST,
            "gateway.security.api-keys[0].generator=true",
            "gateway.security.api-keys[1].name=second",
            "gateway.security.api-keys[1].key=" + GeneratorLimitsIntegrationTests.SECOND,
            "gateway.security.api-keys[1].generator=true",
        })
@Import(GeneratorLimitsIntegrationTests.GatedSinkConfiguration.class)
class GeneratorLimitsIntegrationTests {

    static final String FIRST = "first-generator-key-1111111";
    static final String SECOND = "second-generator-key-222222";

    private static final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    GatedSink sink;

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void openTheGate() {
        sink.open();
    }

    @Test
    void runningJobsAreBoundedPerKeyAndInAllWithRetryAfterAndRunWithoutAThreadEach() throws Exception {
        List<String> started = new ArrayList<>();

        // While the sink holds every call, no job can finish: each waits for buffer room, of which
        // background work may take 1,000 events.
        started.add(start(FIRST, 3000, 202));
        started.add(start(FIRST, 3000, 202));
        HttpResponse<String> thirdOfFirst = post("/events/generate?count=1000000", FIRST);
        assertThat(thirdOfFirst.statusCode()).as(thirdOfFirst.body()).isEqualTo(429);
        assertThat(problemType(thirdOfFirst)).isEqualTo("/problems/too-many-jobs");
        assertThat(thirdOfFirst.headers().firstValue("Retry-After")).isPresent();

        started.add(start(SECOND, 3000, 202));
        HttpResponse<String> fourthInAll = post("/events/generate?count=1000000", SECOND);
        assertThat(fourthInAll.statusCode()).as(fourthInAll.body()).isEqualTo(503);
        assertThat(problemType(fourthInAll)).isEqualTo("/problems/generator-busy");
        assertThat(fourthInAll.headers().firstValue("Retry-After")).isPresent();

        // Three jobs waiting for buffer room hold no thread of their own: the generator has one.
        assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(thread -> thread.getName().startsWith("generator"))
                .hasSizeLessThanOrEqualTo(1);

        // A job is its starter's: another key is told there is no such job.
        assertThat(get("/events/generate/" + started.get(0), SECOND).statusCode())
                .isEqualTo(404);
        assertThat(get("/events/generate/" + started.get(0), FIRST).statusCode())
                .isEqualTo(200);

        sink.open();
        for (String id : started) {
            String key = id.equals(started.get(2)) ? SECOND : FIRST;
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> json.readTree(
                                    get("/events/generate/" + id, key).body())
                            .path("state")
                            .asString()
                            .equals("done"));
        }
        JsonNode first =
                json.readTree(get("/events/generate/" + started.get(0), FIRST).body());
        assertThat(first.path("delivered").asLong()).isEqualTo(3000);

        // With the running ones done, a key may start again.
        start(FIRST, 10, 202);
    }

    private String start(String key, int count, int status) {
        HttpResponse<String> response = post("/events/generate?count=" + count, key);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return json.readTree(response.body()).path("id").asString();
    }

    private HttpResponse<String> post(String path, String key) {
        return send("POST", path, key);
    }

    private HttpResponse<String> get(String path, String key) {
        return send("GET", path, key);
    }

    private HttpResponse<String> send(String method, String path, String key) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                            .method(method, HttpRequest.BodyPublishers.noBody())
                            .header("Authorization", "Bearer " + key)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String problemType(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        return json.readTree(response.body()).path("type").asString();
    }

    /** Holds every call until the test opens it; then accepts them all. */
    static final class GatedSink implements Sink {

        private final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
        private volatile boolean open;

        @Override
        public SinkKind kind() {
            return SinkKind.FIREHOSE;
        }

        @Override
        public SinkLimits limits() {
            return FirehoseLimits.LIMITS;
        }

        @Override
        public CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> sinkRecords) {
            String stream = route.destination();
            List<byte[]> batch = sinkRecords.stream().map(SinkRecord::data).toList();
            CompletableFuture<BatchResult> result = new CompletableFuture<>();
            Runnable accept = () -> result.complete(BatchResult.allAccepted(batch.size()));
            if (open) {
                accept.run();
            } else {
                held.add(accept);
                if (open) {
                    release();
                }
            }
            return result;
        }

        void open() {
            open = true;
            release();
        }

        private void release() {
            for (Runnable accept; (accept = held.poll()) != null; ) {
                accept.run();
            }
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class GatedSinkConfiguration {

        @Bean(FirehoseClientConfiguration.SINK_BEAN)
        GatedSink gatedSink() {
            return new GatedSink();
        }
    }
}
