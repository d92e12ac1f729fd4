package io.firehosegateway.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.event.Event;
import io.firehosegateway.support.LocalSinkFiles;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a client and an operator see of a small journal and of one found damaged at start: a request
 * the journal could never hold is a 413, not "try again"; damage is in the health details and the
 * metrics, and every entry that checks out is delivered.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class JournalLimitsAndDamageIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int SEEDED = 12;

    static Path work;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void smallDamagedJournal(DynamicPropertyRegistry registry) throws IOException {
        work = Files.createTempDirectory("journal-limits");
        Path journal = work.resolve("journal");
        seedWithOneDamagedEntry(journal);
        registry.add("gateway.sink", () -> "local");
        registry.add("gateway.local.directory", () -> work.resolve("data").toString());
        registry.add("gateway.delivery.mode", () -> "journaled");
        registry.add("gateway.journal.directory", journal::toString);
        registry.add("gateway.journal.max-size", () -> "16KB");
        registry.add(
                "gateway.delivery.dead-letter-directory",
                () -> work.resolve("dead-letter").toString());
    }

    /** A journal left by an earlier process, with one bit flipped in the middle of its first, sealed, segment. */
    private static void seedWithOneDamagedEntry(Path directory) throws IOException {
        try (Journal journal = Journal.open(
                new JournalProperties(directory, DataSize.ofMegabytes(1), DataSize.ofKilobytes(2)),
                Clock.systemUTC())) {
            for (int i = 0; i < SEEDED; i++) {
                String id = "seeded-" + i;
                journal.append(
                                "events",
                                List.of(new Event(
                                        id,
                                        ("{\"id\":\"" + id + "\",\"pad\":\"" + "s".repeat(300) + "\"}\n")
                                                .getBytes(StandardCharsets.UTF_8))),
                                null)
                        .get(5, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        Path first;
        try (Stream<Path> files = Files.list(directory)) {
            first = files.filter(p -> p.toString().endsWith(".seg"))
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
        long middle = Files.size(first) / 2;
        try (FileChannel channel = FileChannel.open(first, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, middle);
            one.put(0, (byte) (one.get(0) ^ 0x01));
            channel.write(one.flip(), middle);
        }
    }

    @Test
    void aRequestLargerThanTheWholeJournalIsRefusedWith413() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            body.append("{\"id\":\"big-")
                    .append(i)
                    .append("\",\"pad\":\"")
                    .append("b".repeat(500))
                    .append("\"}\n");
        }

        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri("/events"))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("Retry-After")).isEmpty();
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("type").asString()).isEqualTo("/problems/request-too-large");
        assertThat(problem.get("detail").asString()).contains("gateway.journal.max-size");

        // A request that fits is still taken.
        HttpResponse<String> small = HTTP.send(
                HttpRequest.newBuilder(uri("/events"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"small\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(small.statusCode()).isEqualTo(202);
    }

    @Test
    void damageFoundAtStartIsDeliveredAroundAndShownInHealthAndMetrics() throws Exception {
        LocalSinkFiles sink = new LocalSinkFiles(work.resolve("data"));
        await("every seeded event but the damaged one delivered")
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(seededLanded(sink)).hasSize(SEEDED - 1));

        JsonNode journal =
                JSON.readTree(get("/actuator/health")).get("components").get("journal");
        assertThat(journal.get("status").asString()).isEqualTo("UP");
        assertThat(journal.get("details").get("damagedSegments").asLong()).isEqualTo(1);
        assertThat(journal.get("details").get("lostEntries").asLong()).isEqualTo(1);
        assertThat(get("/actuator/prometheus"))
                .contains("gateway_journal_damaged_segments_total 1.0")
                .contains("gateway_journal_lost_entries_total 1.0");
    }

    private static List<String> seededLanded(LocalSinkFiles sink) {
        List<String> seeded = new ArrayList<>();
        for (String line : sink.lines()) {
            if (line.contains("seeded-")) {
                seeded.add(line);
            }
        }
        return seeded;
    }

    private String get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
