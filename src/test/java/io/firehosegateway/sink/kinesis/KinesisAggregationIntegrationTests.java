package io.firehosegateway.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.support.KinesisEmulator;
import io.firehosegateway.support.KinesisEmulator.ShardRecords;
import io.firehosegateway.support.KinesisFaultProxy;
import io.firehosegateway.support.KinesisFaultProxy.Fault;
import io.firehosegateway.support.MotoServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A {@code pack-format: kpl} stream end to end: HTTP into the gateway, its Kinesis client through
 * a {@link KinesisFaultProxy} into moto's four-shard streams, read back from every shard with
 * {@code GetRecords} and unpacked by the KCL's own deaggregator, given each shard's range of hash
 * keys as a KCL worker would be: it hands back no user record whose key maps to another shard.
 * Every event is found, one per user record, with its own partition key, on the shard its key maps
 * to, in the order it was admitted among its key's events.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KinesisAggregationIntegrationTests {

    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Pattern EVENT = Pattern.compile("\"id\":\"([^\"]+)\",\"user\":\"([^\"]+)\",\"n\":(\\d+)");
    private static final int USERS = 40;

    private static KinesisEmulator emulator;
    private static KinesisFaultProxy proxy;
    private static String suffix;

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    /** One event as a consumer of the KCL gets it. */
    private record UserRecord(String shard, String partitionKey, String id, String user, int n) {}

    static String stream(String name) {
        return "kpl-" + name + "-" + suffix;
    }

    static String destination(String name) {
        return "kdsa-" + name + "-" + suffix;
    }

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) throws IOException {
        URI moto = MotoServer.endpoint();
        suffix = Long.toHexString(System.nanoTime());
        emulator = new KinesisEmulator(moto);
        proxy = KinesisFaultProxy.start(moto);
        System.setProperty("aws.accessKeyId", KinesisEmulator.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", KinesisEmulator.SECRET_KEY);
        registry.add("gateway.sink", () -> "kinesis");
        registry.add("gateway.kinesis.endpoint", () -> proxy.endpoint().toString());
        registry.add("gateway.kinesis.cbor", () -> "false");
        registry.add("gateway.kinesis.max-bytes-per-call", () -> "5MB");
        registry.add("gateway.aws.region", () -> KinesisEmulator.REGION);
        registry.add("gateway.delivery.initial-backoff", () -> "10ms");
        registry.add("gateway.delivery.max-backoff", () -> "100ms");
        registry.add("gateway.delivery.linger", () -> "5ms");
        registry.add("gateway.delivery.timeout", () -> "30s");
        registry.add("gateway.default-stream", () -> stream("clean"));
        for (String name : List.of("clean", "faults", "split")) {
            emulator.createStream(destination(name), name.equals("split") ? 2 : 4);
            registry.add("gateway.streams." + stream(name) + ".destination", () -> destination(name));
            registry.add("gateway.streams." + stream(name) + ".partition-key", () -> "/user");
            registry.add("gateway.streams." + stream(name) + ".ordering", () -> "per-key");
            registry.add("gateway.streams." + stream(name) + ".pack-format", () -> "kpl");
            // Small aggregates, so that a shard's records of one call need several.
            registry.add("gateway.streams." + stream(name) + ".pack-bytes", () -> "1KB");
        }
    }

    @BeforeAll
    static void requireMoto() {
        MotoServer.endpoint();
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @BeforeEach
    void passEverything() {
        proxy.reset();
    }

    @Test
    void everyEventIsReadBackOnceWithItsOwnKeyOnItsKeysShardInOrderPerKey() throws Exception {
        int events = sendRequests(stream("clean"), 4, 10);

        List<UserRecord> read = readBack(destination("clean"));

        assertThat(read).hasSize(events);
        assertThat(read.stream().map(UserRecord::id).distinct()).hasSize(events);
        assertInOrderPerKey(read);
        int kinesisRecords = emulator.shardRecords(destination("clean")).stream()
                .mapToInt(shard -> shard.records().size())
                .sum();
        assertThat(kinesisRecords).as("Kinesis records for %d events", events).isLessThan(events / 2);
        HistogramSnapshot perRecord = meters.get(GatewayMetrics.SINK_USER_RECORDS_PER_RECORD)
                .tag(GatewayMetrics.TAG_STREAM, stream("clean"))
                .summary()
                .takeSnapshot();
        assertThat(perRecord.total()).isEqualTo(events);
        assertThat(perRecord.count()).isEqualTo(kinesisRecords);
        assertThat(meters.get(GatewayMetrics.SINK_BILLED_UNITS_PER_1000_EVENTS)
                        .tag(GatewayMetrics.TAG_STREAM, stream("clean"))
                        .gauge()
                        .value())
                .as("one 25 KiB payload unit per Kinesis record of at most 1 KB")
                .isEqualTo(kinesisRecords * 1000.0 / events);
    }

    @Test
    void recordFaultsAndCutConnectionsLoseNoEventAndKeepOrderPerKey() throws Exception {
        // Every aggregate whose first event's number is a multiple of 3 fails its first try, and
        // every 5th call lands but its answer is lost to a reset (late duplicates).
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        AtomicInteger calls = new AtomicInteger();
        proxy.script(call -> {
            int number = calls.incrementAndGet();
            if (number % 5 == 0) {
                return Fault.resetAfterForwarding();
            }
            return Fault.failEntries(
                    (index, data) -> {
                        Matcher event = EVENT.matcher(data);
                        return event.find()
                                && Integer.parseInt(event.group(3)) % 3 == 0
                                && failedOnce.add(event.group(1));
                    },
                    number % 2 == 0 ? "InternalFailure" : "ProvisionedThroughputExceededException");
        });

        int events = sendRequests(stream("faults"), 4, 10);

        List<UserRecord> read = readBack(destination("faults"));
        List<UserRecord> firstCopies = firstCopies(read);
        assertThat(firstCopies).hasSize(events);
        assertInOrderPerKey(firstCopies);
        assertThat(proxy.failedEntries()).isPositive();
        assertThat(proxy.calls(KinesisFaultProxy.Kind.RESET_AFTER_FORWARDING)).isPositive();
    }

    /**
     * moto 5.2.1 goes on placing records on a split shard's closed parent, whose range holds both
     * children's keys, so this checks that nothing is lost or misplaced across a split, not that the
     * sink follows one: KinesisSinkAggregationTests answers records as Kinesis itself places them.
     */
    @Test
    void aShardSplitInTheMiddleOfTheLoadLosesNoEventAndMisplacesNone() throws Exception {
        int before = sendRequests(stream("split"), 0, 2, 10);
        ShardRecords first = emulator.shardRecords(destination("split")).get(0);
        BigInteger middle = new BigInteger(first.startingHashKey())
                .add(new BigInteger(first.endingHashKey()))
                .shiftRight(1);
        emulator.splitShard(destination("split"), first.shard(), middle.toString());
        int after = sendRequests(stream("split"), 1_000, 2, 10);

        assertThat(emulator.shards(destination("split")))
                .as("the parent and its two children")
                .hasSize(4);
        List<UserRecord> read = readBack(destination("split"));
        assertThat(read).hasSize(before + after);
        assertThat(read.stream().map(UserRecord::id).distinct()).hasSize(before + after);
        assertInOrderPerKey(read);
    }

    /**
     * Confirmed requests in a row, each with {@code perUser} events of each user, interleaved;
     * returns how many events were sent.
     */
    private int sendRequests(String stream, int requests, int perUser) throws Exception {
        return sendRequests(stream, 0, requests, perUser);
    }

    /** As {@link #sendRequests(String, int, int)}, numbering events from {@code firstNumber}. */
    private int sendRequests(String stream, int firstNumber, int requests, int perUser) throws Exception {
        int n = firstNumber;
        int sent = 0;
        for (int request = 0; request < requests; request++) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < perUser; i++) {
                for (int user = 0; user < USERS; user++) {
                    // Keys of several scripts, so that the key table holds more than ASCII.
                    String key = user % 3 == 0 ? "ü" + user : user % 3 == 1 ? "日" + user : "u" + user;
                    body.append("{\"id\":\"")
                            .append(stream)
                            .append('-')
                            .append(user)
                            .append('-')
                            .append(n)
                            .append("\",\"user\":\"")
                            .append(key)
                            .append("\",\"n\":")
                            .append(n)
                            .append("}\n");
                    sent++;
                }
                n++;
            }
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/streams/" + stream + "/events"))
                            .header("Content-Type", "application/x-ndjson")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        return sent;
    }

    /** Every user record of the stream, shard after shard, each shard's in order, as the KCL unpacks them. */
    private static List<UserRecord> readBack(String destination) {
        List<UserRecord> read = new ArrayList<>();
        for (KplReadBack.UserRecord user : KplReadBack.readBack(emulator, destination)) {
            Matcher event = EVENT.matcher(user.data());
            assertThat(event.find()).as(user.data()).isTrue();
            read.add(new UserRecord(
                    user.shard(),
                    user.partitionKey(),
                    event.group(1),
                    event.group(2),
                    Integer.parseInt(event.group(3))));
            assertThat(user.partitionKey()).isEqualTo(event.group(2));
            assertThat(event.find())
                    .as("one event per user record: %s", user.data())
                    .isFalse();
        }
        return read;
    }

    private static List<UserRecord> firstCopies(List<UserRecord> read) {
        Map<String, UserRecord> first = new LinkedHashMap<>();
        for (UserRecord record : read) {
            first.putIfAbsent(record.id(), record);
        }
        return List.copyOf(first.values());
    }

    private static void assertInOrderPerKey(List<UserRecord> read) {
        Map<String, List<Integer>> byKey = new HashMap<>();
        for (UserRecord record : read) {
            byKey.computeIfAbsent(record.user(), key -> new ArrayList<>()).add(record.n());
        }
        assertThat(byKey).hasSize(USERS);
        assertThat(byKey.values()).allSatisfy(numbers -> assertThat(numbers).isSorted());
    }
}
