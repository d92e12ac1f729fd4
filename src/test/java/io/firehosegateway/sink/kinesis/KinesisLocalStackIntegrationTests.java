package io.firehosegateway.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.KinesisEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * The Kinesis path against LocalStack, which speaks CBOR as real Kinesis does: the gateway's client
 * keeps the SDK's default protocol here, where the moto tests must switch it to JSON. Needs a
 * Docker engine: skipped without one.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class KinesisLocalStackIntegrationTests {

    /** A community release, pinned: it starts without an auth token, which images from 2026 ask for. */
    private static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8.1");

    private static final String STREAM = "localstack-kinesis-events";

    @Container
    static final LocalStackContainer localstack = new LocalStackContainer(IMAGE).withServices("kinesis");

    private static KinesisEmulator emulator;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void createStream() {
        emulator = new KinesisEmulator(localstack.getEndpoint());
        emulator.createStream(STREAM, 2);
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
    static void kinesis(DynamicPropertyRegistry registry) {
        registry.add("gateway.sink", () -> "kinesis");
        registry.add("gateway.kinesis.endpoint", () -> localstack.getEndpoint().toString());
        registry.add("gateway.kinesis.cbor", () -> "true");
        registry.add("gateway.aws.region", localstack::getRegion);
        registry.add("gateway.default-stream", () -> STREAM);
    }

    @Test
    void everyEventIsReadBackOnceFromEveryShard() throws Exception {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            sent.add("{\"id\":\"ls-" + i + "\",\"n\":" + i + ",\"text\":\"caf\u00e9\"}");
        }
        // More than one PutRecords call (500 records at most).
        HttpResponse<String> array = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", sent) + "]"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(array.statusCode()).as(array.body()).isEqualTo(200);
        assertThat(emulator.lines(STREAM)).containsExactlyInAnyOrderElementsOf(sent);
    }
}
