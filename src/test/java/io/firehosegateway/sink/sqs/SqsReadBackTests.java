package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.SqsEmulator;
import io.firehosegateway.support.SqsEmulator.Message;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole path with real parts: HTTP into the running gateway, the real AWS SDK into an SQS
 * implementation over HTTP, and every message read back with {@code ReceiveMessage} as a consumer
 * reads it. Queues are named by name, so the gateway looks them up; one stream's queue does not
 * exist at start. Each implementation is a subclass that calls {@link #configure} from its own
 * {@code @DynamicPropertySource}: moto ({@link SqsDeliveryIntegrationTests}) and ElasticMQ
 * ({@link ElasticMqDeliveryIntegrationTests}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class SqsReadBackTests {

    private static final JsonMapper json = JsonMapper.builder().build();
    static SqsEmulator emulator;
    static String eventsUrl;
    private static String ordersUrl;
    private static String lateQueue;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    /** Creates the queues on the implementation at {@code endpoint} and points the gateway at it. */
    static void configure(DynamicPropertyRegistry registry, URI endpoint) {
        String suffix = Long.toHexString(System.nanoTime());
        emulator = new SqsEmulator(endpoint);
        String events = "it-events-" + suffix;
        String orders = "it-orders-" + suffix + ".fifo";
        lateQueue = "it-late-" + suffix;
        eventsUrl = emulator.createQueue(events);
        ordersUrl = emulator.createQueue(orders);
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        registry.add("gateway.sink", () -> "sqs");
        registry.add("gateway.sqs.endpoint", endpoint::toString);
        registry.add("gateway.aws.region", () -> SqsEmulator.REGION);
        registry.add("gateway.default-stream", () -> "events");
        registry.add("gateway.streams.events.destination", () -> events);
        registry.add("gateway.streams.orders.destination", () -> orders);
        registry.add("gateway.streams.orders.partition-key", () -> "/user");
        registry.add("gateway.streams.late.destination", () -> lateQueue);
    }

    @AfterAll
    static void closeEmulator() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void receiveMessageReadsEveryEventBackOnceWithItsIdAndStream() throws Exception {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            sent.add("{\"id\":\"e-" + i + "\",\"n\":" + i + ",\"price\":1.10,\"text\":\"caf\u00e9 \\\"quoted\\\"\"}");
        }
        HttpResponse<String> array = post("/events", "application/json", "[" + String.join(",", sent) + "]");
        assertThat(array.statusCode()).as(array.body()).isEqualTo(200);

        // Confirmed mode: a 200 means SQS took every message.
        List<Message> received = emulator.drain(eventsUrl);
        assertThat(received).extracting(Message::body).containsExactlyInAnyOrderElementsOf(sent);
        for (Message message : received) {
            String id = json.readTree(message.body()).get("id").asString();
            assertThat(message.attributes()).containsEntry("event-id", id).containsEntry("stream", "events");
            // No partition key on this stream: no message group.
            assertThat(message.groupId()).isNull();
        }
    }

    @Test
    void charactersSqsRefusesAreSentAsEscapesOfTheSameJson() throws Exception {
        HttpResponse<String> response =
                post("/events", "application/json", "{\"id\":\"odd-1\",\"text\":\"a\\uffffb\\ufffe\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        List<Message> received = emulator.drain(eventsUrl);
        assertThat(received)
                .extracting(Message::body)
                .containsExactly("{\"id\":\"odd-1\",\"text\":\"a\\uffffb\\ufffe\"}");
        assertThat(json.readTree(received.get(0).body()).get("text").asString()).isEqualTo("a\uffffb\ufffe");
    }

    @Test
    void aFifoQueueTakesAClientsResendOfTheSameIdsOnce() throws Exception {
        String body = "[{\"id\":\"dup-1\",\"user\":\"u-1\"},{\"id\":\"dup-2\",\"user\":\"u-2\"}]";
        assertThat(post("/streams/orders/events", "application/json", body).statusCode())
                .isEqualTo(200);
        // The client resends, as after a lost answer; received only now, since moto forgets a
        // deduplication id once its message is deleted.
        assertThat(post("/streams/orders/events", "application/json", body).statusCode())
                .isEqualTo(200);

        List<Message> received = emulator.drain(ordersUrl);
        assertThat(received)
                .extracting(Message::body)
                .containsExactlyInAnyOrder(
                        "{\"id\":\"dup-1\",\"user\":\"u-1\"}", "{\"id\":\"dup-2\",\"user\":\"u-2\"}");
        assertThat(received).extracting(Message::deduplicationId).containsExactlyInAnyOrder("dup-1", "dup-2");
        assertThat(received).extracting(Message::groupId).containsExactlyInAnyOrder("u-1", "u-2");
    }

    @Test
    void aFifoQueueKeepsEachKeysOrder() throws Exception {
        for (int request = 0; request < 6; request++) {
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < 10; i++) {
                int n = request * 10 + i;
                body.append(i == 0 ? "" : ",")
                        .append("{\"id\":\"order-")
                        .append(n)
                        .append("\",\"user\":\"user-")
                        .append(n % 3)
                        .append("\",\"n\":")
                        .append(n)
                        .append('}');
            }
            HttpResponse<String> response = post(
                    "/streams/orders/events",
                    "application/json",
                    body.append(']').toString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }

        Map<String, List<Integer>> byGroup = new LinkedHashMap<>();
        for (Message message : emulator.drain(ordersUrl)) {
            byGroup.computeIfAbsent(message.groupId(), group -> new ArrayList<>())
                    .add(json.readTree(message.body()).get("n").asInt());
        }
        assertThat(byGroup).containsOnlyKeys("user-0", "user-1", "user-2");
        byGroup.forEach(
                (group, numbers) -> assertThat(numbers).as(group).hasSize(20).isSorted());
    }

    @Test
    void anEventOverTheLargestMessageIs413NamingIt() throws Exception {
        String big = "{\"id\":\"too-big\",\"pad\":\"" + "x".repeat(SqsLimits.LIMITS.maxRecordBytes()) + "\"}";

        HttpResponse<String> response = post("/events", "application/json", big);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("too-big");
    }

    @Test
    void aQueueMissingAtStartIsDownInHealthUntilItExists() throws Exception {
        Awaitility.await("the failed lookup of " + lateQueue)
                .atMost(Duration.ofSeconds(20))
                .until(() -> sqsHealth().get("status").asString().equals("DOWN"));
        assertThat(sqsHealth().get("details").get("queues").get("late").asString())
                .contains(lateQueue)
                // moto answers with the query protocol's code, ElasticMQ (as SQS) with the JSON one.
                .containsAnyOf("NonExistentQueue", "QueueDoesNotExist");

        String url = emulator.createQueue(lateQueue);

        Awaitility.await("the lookup retried once the queue exists")
                .atMost(Duration.ofSeconds(30))
                .until(() -> sqsHealth().get("status").asString().equals("UP"));
        assertThat(sqsHealth().get("details").get("queues").get("late").asString())
                .isEqualTo(url);
    }

    private JsonNode sqsHealth() throws Exception {
        return json.readTree(http.send(
                                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body())
                .get("components")
                .get("sqs");
    }

    HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
