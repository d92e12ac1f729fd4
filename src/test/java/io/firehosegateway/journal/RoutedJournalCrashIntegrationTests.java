package io.firehosegateway.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.schema.SchemaTestFiles;
import io.firehosegateway.support.FirehoseEmulator;
import io.firehosegateway.support.GatewayProcess;
import io.firehosegateway.support.MotoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
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

/**
 * A routed request in the journaled mode spans two streams, yet is one journal entry: a gateway
 * killed with SIGKILL under a load of such requests and started again on the same journal delivers
 * each request whole (its valid events to their stream, its invalid ones wrapped to the other) or
 * not at all, and every request that got a 202 whole.
 */
class RoutedJournalCrashIntegrationTests {

    private static final Pattern ID = Pattern.compile("\"id\":\"(r\\d+-e\\d+)\"");
    private static final int EVENTS = 10;

    /** Kept when the test fails: the gateway's log is in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void aRoutedRequestIsDeliveredWholeOrNotAtAllAcrossASigkill() throws Exception {
        Path schema = SchemaTestFiles.write(work.resolve("schemas"), "click.json", SchemaTestFiles.CLICK);
        URI moto = MotoServer.endpoint();
        String tag = Long.toHexString(System.nanoTime());
        String clicks = "clicks-" + tag;
        String invalidClicks = "clicks-invalid-" + tag;
        try (FirehoseEmulator emulator = new FirehoseEmulator(moto)) {
            String validBucket = emulator.createStream(clicks);
            String invalidBucket = emulator.createStream(invalidClicks);
            crashAndRestart(schema, moto, clicks, invalidClicks, () -> landed(emulator, validBucket, invalidBucket));
        }
    }

    private void crashAndRestart(
            Path schema, URI moto, String clicks, String invalidClicks, Callable<Map<Integer, Set<String>>> landed)
            throws Exception {
        Map<String, String> settings = Map.ofEntries(
                Map.entry("gateway.sink", "firehose"),
                Map.entry("gateway.firehose.endpoint", moto.toString()),
                Map.entry("gateway.aws.region", FirehoseEmulator.REGION),
                Map.entry("gateway.default-stream", clicks),
                Map.entry("gateway.delivery.mode", "journaled"),
                Map.entry("gateway.journal.directory", work.resolve("journal").toString()),
                Map.entry("gateway.journal.segment-size", "64KB"),
                Map.entry(
                        "gateway.delivery.dead-letter-directory",
                        work.resolve("dead-letter").toString()),
                Map.entry("gateway.streams." + clicks + ".schema", schema.toString()),
                Map.entry("gateway.streams." + clicks + ".on-invalid", "route:" + invalidClicks),
                Map.entry("gateway.streams." + invalidClicks + ".pack-bytes", "0B"));
        Path log = work.resolve("gateway.log");
        Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger requests = new AtomicInteger();

        GatewayProcess first = GatewayProcess.start(settings, log);
        AtomicBoolean loading = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        for (int c = 0; c < 4; c++) {
            clients.submit(() -> load(first, clicks, loading, requests, acknowledged));
        }
        try {
            await("300 routed requests acknowledged (see " + log + ")")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> acknowledged.size() >= 300);
        } finally {
            // Killed whatever the wait's outcome: a failed test must not leave a gateway running.
            first.kill();
            loading.set(false);
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        try (GatewayProcess second = GatewayProcess.start(settings, log)) {
            await("every acknowledged request delivered whole")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        Map<Integer, Set<String>> now = landed.call();
                        for (int request : acknowledged) {
                            assertThat(now.get(request))
                                    .as("request %d", request)
                                    .hasSize(EVENTS);
                        }
                    });
            await("the journal has nothing left to deliver")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> metric(second, "gateway_journal_entries") == 0);
            Map<Integer, Set<String>> whole = landed.call();
            for (Map.Entry<Integer, Set<String>> request : whole.entrySet()) {
                assertThat(request.getValue())
                        .as("request %d is whole or absent", request.getKey())
                        .hasSize(EVENTS);
            }
            System.out.printf(
                    "Routed crash test: %d requests sent, %d acknowledged before SIGKILL, %d landed whole%n",
                    requests.get(), acknowledged.size(), whole.size());
        }
    }

    private static void load(
            GatewayProcess gateway,
            String stream,
            AtomicBoolean loading,
            AtomicInteger requests,
            Set<Integer> acknowledged) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        while (loading.get()) {
            int request = requests.incrementAndGet();
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < EVENTS; i++) {
                // Events 3 and 7 have no page: invalid, routed to clicks-invalid in the same request.
                body.append("{\"id\":\"r")
                        .append(request)
                        .append("-e")
                        .append(i)
                        .append('"');
                if (i != 3 && i != 7) {
                    body.append(",\"page\":\"/").append("p".repeat(60)).append('"');
                }
                body.append("}\n");
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(gateway.uri("/streams/" + stream + "/events"))
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/x-ndjson")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202 && response.body().contains("\"invalid\":2")) {
                    acknowledged.add(request);
                }
            } catch (Exception e) {
                // The kill cuts requests in flight: they were never acknowledged, so nothing is owed.
            }
        }
    }

    /** The distinct event ids landed in either bucket, by request; each in the bucket its validity says. */
    private static Map<Integer, Set<String>> landed(
            FirehoseEmulator emulator, String validBucket, String invalidBucket) {
        Map<Integer, Set<String>> landed = new HashMap<>();
        collect(emulator.lines(validBucket), false, landed);
        collect(emulator.lines(invalidBucket), true, landed);
        return landed;
    }

    private static void collect(List<String> lines, boolean routed, Map<Integer, Set<String>> landed) {
        for (String line : lines) {
            Matcher id = ID.matcher(line);
            if (id.find()) {
                String event = id.group(1);
                int request = Integer.parseInt(event.substring(1, event.indexOf('-')));
                boolean invalid = event.endsWith("-e3") || event.endsWith("-e7");
                assertThat(routed)
                        .as("%s went to the stream its validity says", event)
                        .isEqualTo(invalid);
                landed.computeIfAbsent(request, r -> new HashSet<>()).add(event);
            }
        }
    }

    private static double metric(GatewayProcess gateway, String name) throws Exception {
        String body = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(gateway.uri("/actuator/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }
}
