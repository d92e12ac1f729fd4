package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.SqsEmulator;
import io.firehosegateway.support.SqsEmulator.Message;
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
 * The SQS path against LocalStack, the emulator most users run: a standard queue and a FIFO one,
 * every event read back once. Needs a Docker engine: skipped without one.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class SqsLocalStackIntegrationTests {

    /** A community release, pinned: it starts without an auth token, which images from 2026 ask for. */
    private static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8.1");

    @Container
    static final LocalStackContainer localstack = new LocalStackContainer(IMAGE).withServices("sqs");

    private static SqsEmulator emulator;
    private static String eventsUrl;
    private static String ordersUrl;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void createQueues() {
        emulator = new SqsEmulator(localstack.getEndpoint());
        eventsUrl = emulator.createQueue("localstack-events");
        ordersUrl = emulator.createQueue("localstack-orders.fifo");
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
    static void sqs(DynamicPropertyRegistry registry) {
        registry.add("gateway.sink", () -> "sqs");
        registry.add("gateway.sqs.endpoint", () -> localstack.getEndpoint().toString());
        registry.add("gateway.aws.region", localstack::getRegion);
        registry.add("gateway.default-stream", () -> "events");
        registry.add("gateway.streams.events.destination", () -> "localstack-events");
        registry.add("gateway.streams.orders.destination", () -> "localstack-orders.fifo");
        registry.add("gateway.streams.orders.partition-key", () -> "/user");
    }

    @Test
    void everyEventLandsOnceInAStandardAndAFifoQueue() throws Exception {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sent.add("{\"id\":\"ls-" + i + "\",\"user\":\"u-" + (i % 4) + "\",\"n\":" + i + "}");
        }
        String body = "[" + String.join(",", sent) + "]";

        assertThat(post("/events", body).statusCode()).isEqualTo(200);
        assertThat(post("/streams/orders/events", body).statusCode()).isEqualTo(200);

        assertThat(emulator.drain(eventsUrl)).extracting(Message::body).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(emulator.drain(ordersUrl)).extracting(Message::body).containsExactlyInAnyOrderElementsOf(sent);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
