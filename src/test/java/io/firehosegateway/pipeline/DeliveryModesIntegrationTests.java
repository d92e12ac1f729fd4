package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.support.FaultProxy;
import io.firehosegateway.support.FirehoseEmulator;
import io.firehosegateway.support.MotoServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The 202 modes' promise: an event the gateway acknowledged lands, through a Firehose outage of tens
 * of seconds, a full journal and a stream that does not exist yet. Faults come from a
 * {@link FaultProxy} between the gateway's SDK client and moto.
 */
class DeliveryModesIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(DeliveryModesIntegrationTests.class);
    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    @BeforeAll
    static void requireMoto() {
        MotoServer.endpoint();
    }

    /** Gateway, proxy and emulator of one context. */
    abstract static class Setup {
        static FaultProxy proxy;
        static FirehoseEmulator emulator;
        static String stream;
        static String bucket;
        static Path work;

        static void gateway(DynamicPropertyRegistry registry, String mode) throws IOException {
            URI moto = MotoServer.endpoint();
            emulator = new FirehoseEmulator(moto);
            proxy = FaultProxy.start(moto);
            stream = mode + "-" + Long.toHexString(System.nanoTime());
            bucket = emulator.createStream(stream);
            work = Files.createTempDirectory("delivery-modes");
            System.setProperty("aws.accessKeyId", FirehoseEmulator.ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", FirehoseEmulator.SECRET_KEY);
            registry.add("gateway.sink", () -> "firehose");
            registry.add("gateway.firehose.endpoint", () -> proxy.endpoint().toString());
            registry.add("gateway.aws.region", () -> FirehoseEmulator.REGION);
            registry.add("gateway.delivery.initial-backoff", () -> "20ms");
            registry.add("gateway.delivery.max-backoff", () -> "1s");
            registry.add("gateway.aws.api-call-attempt-timeout", () -> "3s");
            registry.add("gateway.default-stream", () -> stream);
            registry.add("gateway.delivery.mode", () -> mode);
            registry.add("gateway.delivery.configuration-fault-pause", () -> "1s");
            registry.add(
                    "gateway.delivery.dead-letter-directory",
                    () -> work.resolve("dead-letter").toString());
            registry.add(
                    "gateway.journal.directory", () -> work.resolve("journal").toString());
        }

        @AfterAll
        static void stop() throws IOException {
            proxy.close();
            emulator.close();
        }
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    class Journaled extends Setup {

        static String missingStream;

        @LocalServerPort
        int port;

        @DynamicPropertySource
        static void journaled(DynamicPropertyRegistry registry) throws IOException {
            gateway(registry, "journaled");
            missingStream = "not-yet-" + Long.toHexString(System.nanoTime());
            registry.add("gateway.streams." + missingStream + ".pack-bytes", () -> "0B");
        }

        @Test
        void everyAcknowledgedEventLandsAfterAnOutageOfTensOfSeconds() throws Exception {
            Set<String> acknowledged = postThroughOutage(port, stream, 202);

            awaitLanded(acknowledged);
        }

        @Test
        void aMissingStreamPausesDeliveryWithoutLosingOrDeadLetteringAndDeliversOnceItExists() throws Exception {
            Set<String> acknowledged = new TreeSet<>();
            for (int i = 0; i < 4; i++) {
                acknowledged.addAll(post(port, missingStream, "missing-" + i, 5, 202));
            }

            // Several pauses pass; the events wait in the journal, not in a dead-letter file.
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> deadLetters().isEmpty());
            JsonNode delivery = health(port).get("components").get("delivery");
            assertThat(delivery.get("status").asString()).isEqualTo("DOWN");
            assertThat(delivery.get("details")
                            .get(missingStream)
                            .get("lastFailureKind")
                            .asString())
                    .isEqualTo("CONFIGURATION");
            assertThat(metric(port, "gateway_journal_entries")).isGreaterThanOrEqualTo(4);

            String missingBucket = emulator.createStream(missingStream);

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(ids(emulator.lines(missingBucket))).containsAll(acknowledged));
            assertThat(deadLetters()).isEmpty();
        }
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    class Buffered extends Setup {

        @LocalServerPort
        int port;

        @DynamicPropertySource
        static void buffered(DynamicPropertyRegistry registry) throws IOException {
            gateway(registry, "buffered");
        }

        @Test
        void everyAcknowledgedEventLandsAfterAnOutageOfTensOfSeconds() throws Exception {
            Set<String> acknowledged = postThroughOutage(port, stream, 202);

            awaitLanded(acknowledged);
        }
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    class FullJournal extends Setup {

        @LocalServerPort
        int port;

        @DynamicPropertySource
        static void smallJournal(DynamicPropertyRegistry registry) throws IOException {
            gateway(registry, "journaled");
            registry.add("gateway.journal.max-size", () -> "64KB");
            registry.add("gateway.journal.segment-size", () -> "8KB");
        }

        @Test
        void aFullJournalAnswers503TakesTheReplicaOutOfReadinessAndRecoversWhenSpaceFrees() throws Exception {
            proxy.startOutage();
            Set<String> acknowledged = new TreeSet<>();
            HttpResponse<String> refused = null;
            try {
                for (int i = 0; i < 1000 && refused == null; i++) {
                    HttpResponse<String> response = send(port, stream, "full-" + i, 5);
                    if (response.statusCode() == 202) {
                        acknowledged.addAll(idsOf(json.readTree(response.body()).get("ids")));
                    } else {
                        refused = response;
                    }
                }
                assertThat(refused).as("a refusal before 1000 requests").isNotNull();
                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).isPresent();
                assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                assertThat(json.readTree(refused.body()).get("type").asString()).isEqualTo("/problems/journal-full");
                assertThat(readiness(port)).isEqualTo(503);
                assertThat(liveness(port)).isEqualTo(200);
            } finally {
                proxy.endOutage();
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> readiness(port) == 200);
            acknowledged.addAll(post(port, stream, "after", 5, 202));
            awaitLanded(acknowledged);
            log.info("full journal: {} events acknowledged before the refusal, all landed", acknowledged.size());
        }
    }

    /** Posts a request every 100 ms through an outage of {@link #OUTAGE}; returns the acknowledged ids. */
    private static Set<String> postThroughOutage(int port, String stream, int expectedStatus) throws Exception {
        Set<String> acknowledged = new TreeSet<>(post(port, stream, "before", 5, expectedStatus));
        Setup.proxy.startOutage();
        long end = System.nanoTime() + OUTAGE.toNanos();
        int requests = 0;
        try {
            while (System.nanoTime() < end) {
                acknowledged.addAll(post(port, stream, "during-" + requests++, 5, expectedStatus));
                // Paces the clients' load; nothing asynchronous is awaited here.
                TimeUnit.MILLISECONDS.sleep(100);
            }
        } finally {
            Setup.proxy.endOutage();
        }
        acknowledged.addAll(post(port, stream, "after", 5, expectedStatus));
        log.info(
                "outage of {}: {} requests acknowledged during it, {} events in all",
                OUTAGE,
                requests,
                acknowledged.size());
        return acknowledged;
    }

    private static void awaitLanded(Set<String> acknowledged) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() ->
                        assertThat(ids(Setup.emulator.lines(Setup.bucket))).containsAll(acknowledged));
    }

    private static List<String> post(int port, String stream, String prefix, int events, int expectedStatus)
            throws Exception {
        HttpResponse<String> response = send(port, stream, prefix, events);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return idsOf(json.readTree(response.body()).get("ids"));
    }

    private static HttpResponse<String> send(int port, String stream, String prefix, int events) throws Exception {
        String body = Stream.iterate(0, i -> i + 1)
                .limit(events)
                .map(i -> "{\"id\":\"" + prefix + "-" + stream + "-" + i + "\",\"payload\":\"" + "y".repeat(60) + "\"}")
                .collect(Collectors.joining("\n", "", "\n"));
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/streams/" + stream + "/events"))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> idsOf(JsonNode ids) {
        List<String> list = new ArrayList<>();
        ids.forEach(id -> list.add(id.asString()));
        return list;
    }

    private static List<String> ids(List<String> lines) {
        List<String> ids = new ArrayList<>(lines.size());
        for (String line : lines) {
            ids.add(json.readTree(line).get("id").asString());
        }
        return ids;
    }

    private static List<Path> deadLetters() throws IOException {
        Path directory = Setup.work.resolve("dead-letter");
        if (!Files.exists(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static int readiness(int port) throws Exception {
        return get(port, "/actuator/health/readiness").statusCode();
    }

    private static int liveness(int port) throws Exception {
        return get(port, "/actuator/health/liveness").statusCode();
    }

    private static JsonNode health(int port) throws Exception {
        return json.readTree(get(port, "/actuator/health").body());
    }

    private static double metric(int port, String name) throws Exception {
        for (String line : get(port, "/actuator/prometheus").body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no metric " + name);
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
