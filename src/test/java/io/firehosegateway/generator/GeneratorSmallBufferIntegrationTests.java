package io.firehosegateway.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.RecordingSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A buffer smaller than two chunks: background work may hold half of it, 300 events, less than one
 * 500-event chunk. The job makes smaller chunks instead of waiting forever for room that never comes.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gateway.sink=firehose", "gateway.buffer.max-records=600"})
@Import(RecordingSink.Configuration.class)
class GeneratorSmallBufferIntegrationTests {

    @LocalServerPort
    int port;

    @Test
    void aJobFinishesWhenTheBufferCannotHoldAWholeChunk() throws Exception {
        HttpResponse<String> done = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://localhost:" + port + "/events/generate?count=1000&wait=true"))
                                .timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        JsonNode summary = JsonMapper.builder().build().readTree(done.body());
        assertThat(summary.path("delivered").asLong()).isEqualTo(1000);
    }
}
