package io.firehosegateway.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.support.GatewayProcess;
import io.firehosegateway.support.KinesisEmulator;
import io.firehosegateway.support.MotoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
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

/**
 * A journaled {@code pack-format: kpl} stream killed with SIGKILL under load and started again on
 * the same journal: every event of every request answered 202 is read back from moto by the KCL's
 * deaggregator, with its own partition key, on the shard its key maps to, and the events of one key
 * within a request in the order they were in it (first copies: a replayed entry may land twice).
 */
class KinesisAggregationCrashIntegrationTests {

    private static final Pattern EVENT = Pattern.compile("\"id\":\"r(\\d+)-e(\\d+)\",\"user\":\"([^\"]+)\"");
    private static final int EVENTS = 12;
    private static final int USERS = 4;

    /** Kept when the test fails: the gateway's log is in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void everyAcknowledgedEventIsReadBackOnItsKeysShardAcrossASigkill() throws Exception {
        URI moto = MotoServer.endpoint();
        String stream = "kpl-crash-" + Long.toHexString(System.nanoTime());
        try (KinesisEmulator emulator = new KinesisEmulator(moto)) {
            emulator.createStream(stream, 3);
            Map<String, String> settings = Map.ofEntries(
                    Map.entry("gateway.sink", "kinesis"),
                    Map.entry("gateway.kinesis.endpoint", moto.toString()),
                    Map.entry("gateway.kinesis.cbor", "false"),
                    Map.entry("gateway.kinesis.max-bytes-per-call", "5MB"),
                    Map.entry("gateway.aws.region", KinesisEmulator.REGION),
                    Map.entry("gateway.default-stream", stream),
                    Map.entry("gateway.delivery.mode", "journaled"),
                    Map.entry(
                            "gateway.journal.directory", work.resolve("journal").toString()),
                    Map.entry("gateway.journal.segment-size", "64KB"),
                    Map.entry(
                            "gateway.delivery.dead-letter-directory",
                            work.resolve("dead-letter").toString()),
                    Map.entry("gateway.streams." + stream + ".partition-key", "/user"),
                    Map.entry("gateway.streams." + stream + ".ordering", "per-key"),
                    Map.entry("gateway.streams." + stream + ".pack-format", "kpl"),
                    Map.entry("gateway.streams." + stream + ".pack-bytes", "2KB"));
            Path log = work.resolve("gateway.log");
            Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger requests = new AtomicInteger();

            GatewayProcess first = GatewayProcess.start(settings, log);
            AtomicBoolean loading = new AtomicBoolean(true);
            ExecutorService clients = Executors.newFixedThreadPool(4);
            for (int c = 0; c < 4; c++) {
                clients.submit(() -> load(first, stream, loading, requests, acknowledged));
            }
            try {
                await("200 requests acknowledged (see " + log + ")")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> acknowledged.size() >= 200);
            } finally {
                // Killed whatever the wait's outcome: a failed test must not leave a gateway running.
                first.kill();
                loading.set(false);
            }
            clients.shutdown();
            assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

            try (GatewayProcess second = GatewayProcess.start(settings, log)) {
                await("every acknowledged event read back")
                        .atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> {
                            Map<Integer, Map<String, List<Integer>>> read = firstCopies(emulator, stream);
                            for (int request : acknowledged) {
                                assertThat(read.get(request))
                                        .as("request %d", request)
                                        .isNotNull();
                                assertThat(read.get(request).values().stream()
                                                .mapToInt(List::size)
                                                .sum())
                                        .as("request %d", request)
                                        .isEqualTo(EVENTS);
                            }
                        });
                Map<Integer, Map<String, List<Integer>>> read = firstCopies(emulator, stream);
                for (Map.Entry<Integer, Map<String, List<Integer>>> request : read.entrySet()) {
                    assertThat(request.getValue().values())
                            .as("request %d: each key's events in their order", request.getKey())
                            .allSatisfy(events -> assertThat(events).isSorted());
                }
                System.out.printf(
                        "KPL crash test: %d requests sent, %d acknowledged before SIGKILL, %d read back%n",
                        requests.get(), acknowledged.size(), read.size());
            }
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
                body.append("{\"id\":\"r")
                        .append(request)
                        .append("-e")
                        .append(i)
                        .append("\",\"user\":\"u")
                        .append((request + i) % USERS)
                        .append("\",\"page\":\"/")
                        .append("p".repeat(60))
                        .append("\"}\n");
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(gateway.uri("/streams/" + stream + "/events"))
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/x-ndjson")
                                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    acknowledged.add(request);
                }
            } catch (Exception e) {
                // The kill cuts requests in flight: they were never acknowledged, so nothing is owed.
            }
        }
    }

    /** By request, by key: the numbers of the first copy of each event, in the order read. */
    private static Map<Integer, Map<String, List<Integer>>> firstCopies(KinesisEmulator emulator, String stream) {
        Set<String> seen = new LinkedHashSet<>();
        Map<Integer, Map<String, List<Integer>>> read = new HashMap<>();
        for (KplReadBack.UserRecord user : KplReadBack.readBack(emulator, stream)) {
            Matcher event = EVENT.matcher(user.data());
            assertThat(event.find()).as(user.data()).isTrue();
            assertThat(user.partitionKey()).isEqualTo(event.group(3));
            if (seen.add(event.group(1) + "-" + event.group(2))) {
                read.computeIfAbsent(Integer.parseInt(event.group(1)), r -> new HashMap<>())
                        .computeIfAbsent(event.group(3), key -> new ArrayList<>())
                        .add(Integer.parseInt(event.group(2)));
            }
        }
        return read;
    }
}
