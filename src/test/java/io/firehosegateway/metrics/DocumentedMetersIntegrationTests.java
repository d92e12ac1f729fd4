package io.firehosegateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every meter the table of docs/operations.md documents is served by {@code /actuator/prometheus} under the
 * Prometheus name the table gives: dashboards and alerts are written from that table. The gateway
 * runs journaled, so the journal's meters exist, with a stream that has a schema, so an invalid event
 * can be counted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class DocumentedMetersIntegrationTests {

    private static final Path METERS = Path.of("docs/operations.md");

    /** A row of the meters table: {@code | `gateway.x` → `gateway_x_total` | ...}. */
    private static final Pattern DOCUMENTED =
            Pattern.compile("^\\| `(gateway\\.[a-z.-]+)` → `(gateway_[a-z_]+)(_\\*)?` \\|", Pattern.MULTILINE);

    @TempDir
    static Path temp;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void journaledWithASchema(DynamicPropertyRegistry registry) {
        registry.add("gateway.sink", () -> "local");
        registry.add("gateway.local.directory", () -> temp.resolve("data").toString());
        registry.add("gateway.delivery.mode", () -> "journaled");
        registry.add("gateway.journal.directory", () -> temp.resolve("journal").toString());
        registry.add(
                "gateway.idempotency.directory",
                () -> temp.resolve("idempotency").toString());
        registry.add("gateway.streams.events.deduplicate-window", () -> "1m");
        registry.add(
                "gateway.delivery.dead-letter-directory",
                () -> temp.resolve("dead-letter").toString());
        registry.add(
                "gateway.streams.checked.schema", () -> "classpath:io/firehosegateway/api/fuzz-schemas/events.json");
    }

    @Test
    void everyDocumentedMeterIsScrapedUnderItsDocumentedName() throws Exception {
        assertThat(post("/events", "[{\"a\":1},{\"b\":2}]").statusCode()).isEqualTo(202);
        assertThat(post("/streams/checked/events", "{\"n\":1001}").statusCode()).isEqualTo(400);
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", "documented-meters")
                        .POST(HttpRequest.BodyPublishers.ofString("[{\"id\":\"twice\"},{\"id\":\"twice\"}]"))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        // A beacon, as a page's sendBeacon sends it: its outcome is counted by gateway.beacon.requests.
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                        .header("Content-Type", "text/plain;charset=UTF-8")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"beacon\":1}"))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(scrape()).contains("gateway_sink_requests_seconds_count{"));

        Set<String> exposed = scrape().lines()
                .filter(line -> !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(Collectors.toSet());
        List<Documented> documented = documented();

        assertThat(documented)
                .as("the meters table of docs/operations.md")
                .extracting(Documented::meter)
                .contains("gateway.events.received", "gateway.events.invalid", "gateway.journal.entries");
        for (Documented meter : documented) {
            assertThat(exposed)
                    .as("%s is scraped as %s, as docs/operations.md says", meter.meter(), meter.prometheus())
                    .anyMatch(meter::matches);
        }
    }

    /** A documented meter; {@code prefix} for timers and distributions, whose series add suffixes. */
    private record Documented(String meter, String prometheus, boolean prefix) {

        boolean matches(String exposed) {
            return prefix ? exposed.startsWith(prometheus + "_") : exposed.equals(prometheus);
        }
    }

    private static List<Documented> documented() throws IOException {
        Matcher rows = DOCUMENTED.matcher(Files.readString(METERS));
        return rows.results()
                .map(row -> new Documented(row.group(1), row.group(2), row.group(3) != null))
                .toList();
    }

    private HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
