package io.firehosegateway.sink.firehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.support.FirehoseEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The delivery path against LocalStack, the emulator most users run, so the gateway is known to
 * work with it as well as with moto. Needs a Docker engine: skipped without one.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class LocalStackIntegrationTests {

    /** A community release, pinned: it starts without an auth token, which images from 2026 ask for. */
    private static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8.1");

    private static final String STREAM = "localstack-events";

    @Container
    static final LocalStackContainer localstack = new LocalStackContainer(IMAGE).withServices("firehose", "s3");

    private static FirehoseEmulator emulator;
    private static String bucket;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void createStream() {
        emulator = new FirehoseEmulator(localstack.getEndpoint());
        bucket = emulator.createStream(STREAM);
        // The gateway's client takes the SDK's default credentials chain, which reads these.
        System.setProperty("aws.accessKeyId", localstack.getAccessKey());
        System.setProperty("aws.secretAccessKey", localstack.getSecretKey());
    }

    @AfterAll
    static void closeEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @DynamicPropertySource
    static void firehose(DynamicPropertyRegistry registry) {
        registry.add("gateway.sink", () -> "firehose");
        registry.add("gateway.firehose.endpoint", () -> localstack.getEndpoint().toString());
        registry.add("gateway.aws.region", localstack::getRegion);
        registry.add("gateway.default-stream", () -> STREAM);
    }

    @Test
    void everyEventSentLandsInS3AsFramedNdjson() throws Exception {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            sent.add("{\"id\":\"ls-" + i + "\",\"n\":" + i + ",\"text\":\"caf\u00e9\"}");
        }
        // More than one PutRecordBatch (500 records at most), and both body formats.
        HttpResponse<String> array = post("application/json", "[" + String.join(",", sent.subList(0, 550)) + "]");
        HttpResponse<String> ndjson =
                post("application/x-ndjson", String.join("\n", sent.subList(550, sent.size())) + "\n");

        assertThat(array.statusCode()).as(array.body()).isEqualTo(200);
        assertThat(ndjson.statusCode()).as(ndjson.body()).isEqualTo(200);
        // Confirmed mode answers once Firehose took the records; LocalStack may write to S3 after.
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(emulator.lines(bucket)).containsExactlyInAnyOrderElementsOf(sent));
    }

    private HttpResponse<String> post(String contentType, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
