package io.firehosegateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.firehose.FirehoseClientConfiguration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * The 413 for an oversized event uses the largest record of the stream's sink, as the sink declares
 * it, not Firehose's: here a sink whose records hold at most 1 KiB.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "gateway.sink=firehose")
@Import(SinkRecordLimitIntegrationTests.SmallRecords.class)
class SinkRecordLimitIntegrationTests {

    static final int MAX_RECORD_BYTES = 1024;

    private static final JsonMapper json = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    SmallRecordSink sink;

    @Test
    void anEventOverTheSinksLargestRecordIsRefusedWithItsLimit() throws Exception {
        String big = "{\"id\":\"big\",\"p\":\"" + "x".repeat(2 * MAX_RECORD_BYTES) + "\"}";

        HttpResponse<String> response = post(big);

        assertThat(response.statusCode()).isEqualTo(413);
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.path("type").asString()).endsWith("/problems/event-too-large");
        assertThat(problem.path("limit").asInt()).isEqualTo(MAX_RECORD_BYTES);
        assertThat(problem.path("id").asString()).isEqualTo("big");
        assertThat(sink.records).isEmpty();
    }

    @Test
    void anEventLargerOnlyAsTheSinkSendsItIsRefusedWithItsLimit() throws Exception {
        // 900 bytes as received, 1,800 once the sink escapes each U+FFFF.
        String grows = "{\"id\":\"grows\",\"p\":\"" + "\uffff".repeat(300) + "\"}";

        HttpResponse<String> response = post(grows);

        assertThat(response.statusCode()).isEqualTo(413);
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.path("type").asString()).endsWith("/problems/event-too-large");
        assertThat(problem.path("limit").asInt()).isEqualTo(MAX_RECORD_BYTES);
        assertThat(problem.path("id").asString()).isEqualTo("grows");
        assertThat(sink.records).noneSatisfy(record -> assertThat(record).contains("\"grows\""));
    }

    @Test
    void anEventWithinTheSinksLargestRecordIsTaken() throws Exception {
        String small = "{\"id\":\"small\",\"p\":\"" + "x".repeat(MAX_RECORD_BYTES / 2) + "\"}";

        assertThat(post(small).statusCode()).isEqualTo(200);
        assertThat(sink.records).anySatisfy(record -> assertThat(record).contains("\"small\""));
    }

    private HttpResponse<String> post(String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** Accepts everything, in records of at most 1 KiB, each U+FFFF sent as a 6-byte escape as SQS sends it. */
    static final class SmallRecordSink implements Sink {

        final List<String> records = new CopyOnWriteArrayList<>();

        @Override
        public SinkKind kind() {
            return SinkKind.FIREHOSE;
        }

        @Override
        public SinkLimits limits() {
            return new SinkLimits(10, 64 * 1024, SinkLimits.Encoding.RAW, 0, 0, MAX_RECORD_BYTES, 10, 0);
        }

        @Override
        public int bytesAsSent(byte[] data) {
            String text = new String(data, java.nio.charset.StandardCharsets.UTF_8);
            return data.length + 3 * (int) text.chars().filter(c -> c == 0xFFFF).count();
        }

        @Override
        public CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> sinkRecords) {
            String stream = route.destination();
            List<byte[]> batch = sinkRecords.stream().map(SinkRecord::data).toList();
            for (byte[] record : batch) {
                records.add(new String(record, java.nio.charset.StandardCharsets.UTF_8));
            }
            return CompletableFuture.completedFuture(BatchResult.allAccepted(batch.size()));
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class SmallRecords {

        @Bean(FirehoseClientConfiguration.SINK_BEAN)
        SmallRecordSink smallRecordSink() {
            return new SmallRecordSink();
        }
    }
}
