package io.firehosegateway.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.support.FirehoseEmulator;
import io.firehosegateway.support.GatewayProcess;
import io.firehosegateway.support.MotoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The journaled mode's promise under a crash: the gateway runs as a child process under a steady
 * load of journaled requests, is killed with SIGKILL mid-load, started again on the same journal,
 * and every event that got a 202 is then found in the emulator's S3.
 */
class JournalCrashIntegrationTests {

    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Kept when the test fails: the gateway's log is in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void everyEventAcknowledgedBeforeASigkillIsDeliveredAfterTheRestart() throws Exception {
        URI moto = MotoServer.endpoint();
        String stream = "crash-" + Long.toHexString(System.nanoTime());
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        try (FirehoseEmulator emulator = new FirehoseEmulator(moto)) {
            String bucket = emulator.createStream(stream);
            Map<String, String> settings = Map.of(
                    "gateway.sink",
                    "firehose",
                    "gateway.firehose.endpoint",
                    moto.toString(),
                    "gateway.aws.region",
                    FirehoseEmulator.REGION,
                    "gateway.default-stream",
                    stream,
                    "gateway.delivery.mode",
                    "journaled",
                    "gateway.journal.directory",
                    work.resolve("journal").toString(),
                    "gateway.journal.segment-size",
                    "64KB",
                    "gateway.delivery.dead-letter-directory",
                    work.resolve("dead-letter").toString());
            Path log = work.resolve("gateway.log");

            GatewayProcess first = GatewayProcess.start(settings, log);
            AtomicBoolean loading = new AtomicBoolean(true);
            ExecutorService clients = Executors.newFixedThreadPool(4);
            AtomicInteger requests = new AtomicInteger();
            for (int c = 0; c < 4; c++) {
                int client = c;
                clients.submit(() -> load(first, client, loading, requests, acknowledged, refused));
            }
            try {
                await("2000 events acknowledged (see " + log + ")")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> acknowledged.size() >= 2000);
            } finally {
                // Killed whatever the wait's outcome: a failed test must not leave a gateway running.
                first.kill();
                loading.set(false);
            }
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            int acknowledgedAtKill = acknowledged.size();

            try (GatewayProcess second = GatewayProcess.start(settings, log)) {
                await("every acknowledged event in S3")
                        .atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(
                                () -> assertThat(landedIds(emulator, bucket)).containsAll(acknowledged));
                List<String> lines = emulator.lines(bucket);
                Set<String> distinct = new HashSet<>(landedIds(emulator, bucket));
                System.out.printf(
                        "Crash test: %d events acknowledged before SIGKILL, %d requests refused or cut by the kill,"
                                + " %d lines landed, %d distinct, %d duplicates%n",
                        acknowledgedAtKill,
                        refused.get(),
                        lines.size(),
                        distinct.size(),
                        lines.size() - distinct.size());
            }
            assertThat(Files.readString(log)).contains("undelivered entries").doesNotContain("OutOfMemoryError");
        }
    }

    private static void load(
            GatewayProcess gateway,
            int client,
            AtomicBoolean loading,
            AtomicInteger requests,
            Set<String> acknowledged,
            AtomicInteger refused) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        while (loading.get()) {
            int request = requests.incrementAndGet();
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                body.append("{\"id\":\"c")
                        .append(client)
                        .append("-r")
                        .append(request)
                        .append("-e")
                        .append(i)
                        .append("\",\"payload\":\"")
                        .append("p".repeat(80))
                        .append("\"}\n");
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(gateway.uri("/events"))
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/x-ndjson")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    JSON.readTree(response.body()).get("ids").forEach(id -> acknowledged.add(id.asString()));
                } else {
                    refused.incrementAndGet();
                }
            } catch (Exception e) {
                // The kill cuts requests in flight: they were never acknowledged, so nothing is owed.
                refused.incrementAndGet();
            }
        }
    }

    private static List<String> landedIds(FirehoseEmulator emulator, String bucket) {
        return emulator.lines(bucket).stream()
                .map(line -> {
                    Matcher id = ID.matcher(line);
                    return id.find() ? id.group(1) : line;
                })
                .toList();
    }
}
