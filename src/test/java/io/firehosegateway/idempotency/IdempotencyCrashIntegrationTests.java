package io.firehosegateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.support.GatewayProcess;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journaled gateway killed with SIGKILL right after its last {@code 202}, and started again on the
 * same disk: every retry with a key gets the first answer, every event id taken is a duplicate, and
 * the second gateway takes no event.
 */
class IdempotencyCrashIntegrationTests {

    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern RECEIVED = Pattern.compile("(?m)^gateway_events_received_total\\{[^}]*} ([0-9.E]+)$");

    /** Kept when the test fails: the gateways' log is in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void everyAnswerGivenBeforeASigkillIsGivenAgainAfterTheRestartAndNothingIsSentTwice() throws Exception {
        Map<String, String> settings = journaled();
        Path log = work.resolve("gateway.log");
        HttpClient http = HttpClient.newHttpClient();
        int requests = 50;
        Map<String, String> answers = new HashMap<>();

        GatewayProcess first = GatewayProcess.start(settings, log);
        try {
            for (int i = 0; i < requests; i++) {
                HttpResponse<String> response = http.send(request(first, i), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(202);
                answers.put("crash-" + i, response.body());
            }
        } finally {
            first.kill();
        }

        try (GatewayProcess second = GatewayProcess.start(settings, log)) {
            for (int i = 0; i < requests; i++) {
                HttpResponse<String> retry = http.send(request(second, i), HttpResponse.BodyHandlers.ofString());
                assertThat(retry.statusCode()).as("crash-" + i).isEqualTo(202);
                assertThat(retry.headers().firstValue(IdempotencyKeys.REPLAYED))
                        .as("crash-" + i)
                        .hasValue("true");
                assertThat(retry.body()).isEqualTo(answers.get("crash-" + i));
            }
            String scrape = http.send(
                            HttpRequest.newBuilder(second.uri("/actuator/prometheus"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTookNothing(scrape);
            // The first gateway's journal delivers what it took, the second gateway nothing more. The
            // local sink's file that was open at the kill stays under its hidden .part name: read it too.
            await("every event acknowledged before the kill is delivered (see " + log + ")")
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> assertThat(deliveredIds(work.resolve("data"))).containsAll(answers.keySet()));
        }
    }

    @Test
    void anEventIdTakenBeforeASigkillIsADuplicateAfterTheRestartAndIsNotSentAgain() throws Exception {
        Map<String, String> settings = new HashMap<>(journaled());
        settings.put("gateway.streams.events.deduplicate-window", "1h");
        Path log = work.resolve("gateway.log");
        HttpClient http = HttpClient.newHttpClient();
        int requests = 20;

        GatewayProcess first = GatewayProcess.start(settings, log);
        try {
            for (int i = 0; i < requests; i++) {
                HttpResponse<String> response = http.send(event(first, i), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(202);
                assertThat(response.body()).doesNotContain("duplicates");
            }
        } finally {
            first.kill();
        }

        try (GatewayProcess second = GatewayProcess.start(settings, log)) {
            for (int i = 0; i < requests; i++) {
                HttpResponse<String> again = http.send(event(second, i), HttpResponse.BodyHandlers.ofString());
                assertThat(again.statusCode()).as("dedup-" + i).isEqualTo(202);
                assertThat(again.body())
                        .as("dedup-" + i)
                        .contains("\"duplicates\":[{\"index\":0,\"id\":\"dedup-" + i + "\"}]");
            }
            assertTookNothing(http.send(
                            HttpRequest.newBuilder(second.uri("/actuator/prometheus"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
        }
    }

    private Map<String, String> journaled() {
        return Map.of(
                "gateway.sink", "local",
                "gateway.local.directory", work.resolve("data").toString(),
                "gateway.local.roll-interval", "200ms",
                "gateway.delivery.mode", "journaled",
                "gateway.journal.directory", work.resolve("journal").toString(),
                "gateway.idempotency.directory", work.resolve("idempotency").toString(),
                "gateway.delivery.dead-letter-directory",
                        work.resolve("dead-letter").toString());
    }

    private static void assertTookNothing(String scrape) {
        Matcher received = RECEIVED.matcher(scrape);
        while (received.find()) {
            assertThat(Double.parseDouble(received.group(1)))
                    .as("events the second gateway took")
                    .isZero();
        }
    }

    private static HttpRequest event(GatewayProcess gateway, int i) {
        return HttpRequest.newBuilder(gateway.uri("/events"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"dedup-" + i + "\",\"n\":" + i + "}"))
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    private static List<String> deliveredIds(Path directory) throws IOException {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Matcher id = ID.matcher(Files.readString(file));
                while (id.find()) {
                    ids.add(id.group(1));
                }
            }
        }
        return ids;
    }

    private static HttpRequest request(GatewayProcess gateway, int i) {
        return HttpRequest.newBuilder(gateway.uri("/events"))
                .header("Content-Type", "application/json")
                .header(IdempotencyKeys.HEADER, "\"crash-key-" + i + "\"")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"crash-" + i + "\",\"n\":" + i + "}"))
                .timeout(Duration.ofSeconds(30))
                .build();
    }
}
