package io.firehosegateway.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.support.KinesisEmulator;
import io.firehosegateway.support.KinesisEmulator.Landed;
import io.firehosegateway.support.KinesisFaultProxy;
import io.firehosegateway.support.KinesisFaultProxy.Call;
import io.firehosegateway.support.KinesisFaultProxy.Fault;
import io.firehosegateway.support.KinesisFaultProxy.Kind;
import io.firehosegateway.support.MotoServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole path with real parts: HTTP into the running gateway, its real Kinesis client (speaking
 * JSON, as moto does) through a {@link KinesisFaultProxy} into moto's Kinesis, and back out with
 * {@code GetShardIterator} and {@code GetRecords} over every shard, compared event by event with
 * what was sent. The proxy passes everything unless a test scripts faults.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KinesisDeliveryIntegrationTests {

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();

    private static KinesisEmulator emulator;
    private static KinesisFaultProxy proxy;
    private static String suffix;

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    /** The gateway stream {@code name} of this run. */
    static String stream(String name) {
        return "k-" + name + "-" + suffix;
    }

    /** The Kinesis stream the gateway stream {@code name} is sent to. */
    static String destination(String name) {
        return "kds-" + name + "-" + suffix;
    }

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) throws IOException {
        URI moto = MotoServer.endpoint();
        suffix = Long.toHexString(System.nanoTime());
        emulator = new KinesisEmulator(moto);
        proxy = KinesisFaultProxy.start(moto);
        emulator.createStream(destination("keys"), 3);
        emulator.createStream(destination("packed"), 2);
        emulator.createStream(destination("faults"), 2);
        emulator.createStream(destination("arn"), 2);
        String arn = emulator.arn(destination("arn"));
        System.setProperty("aws.accessKeyId", KinesisEmulator.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", KinesisEmulator.SECRET_KEY);
        registry.add("gateway.sink", () -> "kinesis");
        registry.add("gateway.kinesis.endpoint", () -> proxy.endpoint().toString());
        registry.add("gateway.kinesis.cbor", () -> "false");
        // moto still enforces the older 5 MiB a call.
        registry.add("gateway.kinesis.max-bytes-per-call", () -> "5MB");
        registry.add("gateway.aws.region", () -> KinesisEmulator.REGION);
        registry.add("gateway.delivery.initial-backoff", () -> "10ms");
        registry.add("gateway.delivery.max-backoff", () -> "200ms");
        registry.add("gateway.delivery.linger", () -> "5ms");
        registry.add("gateway.default-stream", () -> stream("keys"));
        registry.add("gateway.streams." + stream("keys") + ".destination", () -> destination("keys"));
        registry.add("gateway.streams." + stream("keys") + ".partition-key", () -> "/user");
        registry.add("gateway.streams." + stream("packed") + ".destination", () -> destination("packed"));
        registry.add("gateway.streams." + stream("packed") + ".pack-bytes", () -> "5KB");
        registry.add("gateway.streams." + stream("faults") + ".destination", () -> destination("faults"));
        registry.add("gateway.streams." + stream("faults") + ".pack-bytes", () -> "0B");
        registry.add("gateway.streams." + stream("arn") + ".destination", () -> arn);
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
    void everyEventIsReadBackOnceFromTheShardsOfItsKeyAsFramedJson() throws Exception {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 900; i++) {
            sent.add("{\"id\":\"e-" + i + "\",\"user\":\"u" + (i % 40) + "\",\"n\":" + i + ",\"text\":\"caf\u00e9\"}");
        }
        HttpResponse<String> array = post("/events", "application/json", "[" + String.join(",", sent) + "]");

        assertThat(array.statusCode()).as(array.body()).isEqualTo(200);
        // Confirmed mode: a 200 means Kinesis took every record, so a consumer finds them all now.
        List<Landed> landed = emulator.records(destination("keys"));
        assertThat(landed)
                .extracting(Landed::data)
                .containsExactlyInAnyOrderElementsOf(
                        sent.stream().map(event -> event + "\n").toList());
        // One record per event, keyed by /user, spread over more than one shard.
        for (Landed record : landed) {
            assertThat(record.data()).contains("\"user\":\"" + record.partitionKey() + "\"");
        }
        assertThat(landed.stream().map(Landed::shard).distinct()).hasSizeGreaterThan(1);
        Map<String, Set<String>> shardsByKey = landed.stream()
                .collect(Collectors.groupingBy(
                        Landed::partitionKey, Collectors.mapping(Landed::shard, Collectors.toSet())));
        assertThat(shardsByKey)
                .allSatisfy((key, shards) -> assertThat(shards).as(key).hasSize(1));
        // Each record is far under 25 KiB: one PUT payload unit each on a provisioned stream.
        assertThat(counter(GatewayMetrics.SINK_BILLED_UNITS, stream("keys")))
                .isEqualTo(counter(GatewayMetrics.RECORDS_DELIVERED, stream("keys")));
    }

    @Test
    void aPackedStreamPutsManyEventsInOneRecordAndEachIsReadBackWhole() throws Exception {
        List<String> sent = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            String event = "{\"id\":\"p-" + i + "\",\"payload\":\"" + "x".repeat(150) + "\"}";
            sent.add(event);
            body.append(event).append('\n');
        }
        HttpResponse<String> response =
                post("/streams/" + stream("packed") + "/events", "application/x-ndjson", body.toString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(emulator.lines(destination("packed"))).containsExactlyInAnyOrderElementsOf(sent);
        // About 180 bytes an event in 5 KB records: far fewer records than events.
        assertThat(emulator.records(destination("packed"))).hasSizeLessThan(100);
    }

    @Test
    void aStreamNamedByItsArnIsSentAsStreamArn() throws Exception {
        HttpResponse<String> response = post(
                "/streams/" + stream("arn") + "/events", "application/json", "[{\"id\":\"a-1\"},{\"id\":\"a-2\"}]");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(emulator.lines(destination("arn")))
                .containsExactlyInAnyOrder("{\"id\":\"a-1\"}", "{\"id\":\"a-2\"}");
        assertThat(proxy.seen()).extracting(Call::stream).allMatch(name -> name.startsWith("arn:aws:kinesis:"));
    }

    @Test
    void failedEntriesAreResentAloneAndEveryEventIsReadBackOnce() {
        // Every 3rd entry of every call fails, resends included, alternating Kinesis's two codes.
        AtomicInteger calls = new AtomicInteger();
        proxy.script(call -> Fault.failEntries(
                (index, data) -> (index + 1) % 3 == 0,
                calls.incrementAndGet() % 2 == 0 ? "InternalFailure" : "ProvisionedThroughputExceededException"));

        List<String> ids = postAll(stream("faults"), 3, 300);

        assertLandedOnce(destination("faults"), ids);
        // Entries answered as accepted never went to moto again; only the failed ones were resent.
        assertThat(proxy.forwardedRecords()).isEqualTo(ids.size());
        int entriesSent =
                proxy.seen().stream().mapToInt(call -> call.records().size()).sum();
        assertThat(entriesSent).isEqualTo(ids.size() + proxy.failedEntries());
        assertThat(proxy.failedEntries()).isGreaterThanOrEqualTo(ids.size() / 3);
        assertThat(counter(GatewayMetrics.RECORDS_RETRIED, stream("faults"))).isEqualTo(proxy.failedEntries());
        assertThat(counter(GatewayMetrics.RECORDS_POSSIBLE_DUPLICATES, stream("faults")))
                .isZero();
    }

    @Test
    void throttledCallsAreResentWholeAndEveryEventIsReadBackOnce() {
        proxy.script(throttleFirst(3));

        List<String> ids = postAll(stream("faults"), 2, 200);

        assertLandedOnce(destination("faults"), ids);
        assertThat(proxy.calls(Kind.ERROR)).isEqualTo(3);
        assertThat(proxy.forwardedRecords()).isEqualTo(ids.size());
        Timer failedCalls = meters.find(GatewayMetrics.SINK_REQUESTS)
                .tags(GatewayMetrics.TAG_STREAM, stream("faults"), GatewayMetrics.TAG_SINK, "kinesis")
                .tag(GatewayMetrics.TAG_OUTCOME, "error")
                .timer();
        assertThat(failedCalls).isNotNull();
        assertThat(failedCalls.count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void healthShowsWhatKinesisSaidOfEachStreamAtStart() {
        JsonNode kinesis = Awaitility.await("Kinesis's answer to DescribeStreamSummary")
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> json.readTree(http.send(
                                                HttpRequest.newBuilder(URI.create(
                                                                "http://localhost:" + port + "/actuator/health"))
                                                        .build(),
                                                HttpResponse.BodyHandlers.ofString())
                                        .body())
                                .get("components")
                                .get("kinesis"),
                        component -> !component
                                .get("details")
                                .get("streamsAtStart")
                                .get(destination("keys"))
                                .asString()
                                .equals("DESCRIBING"));

        assertThat(kinesis.get("status").asString()).isEqualTo("UP");
        assertThat(kinesis.get("details")
                        .get("streamsAtStart")
                        .get(destination("keys"))
                        .asString())
                .isEqualTo("ACTIVE");
    }

    private static Function<Call, Fault> throttleFirst(int calls) {
        AtomicInteger throttled = new AtomicInteger();
        return call -> throttled.getAndIncrement() < calls ? Fault.throttled() : Fault.pass();
    }

    private static void assertLandedOnce(String destination, List<String> ids) {
        Map<String, Long> landed = emulator.lines(destination).stream()
                .map(line -> json.readTree(line).get("id").asString())
                .filter(new TreeSet<>(ids)::contains)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(landed.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(landed).allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
    }

    private double counter(String name, String stream) {
        return meters.find(name).tag(GatewayMetrics.TAG_STREAM, stream).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private List<String> postAll(String stream, int requests, int events) {
        List<String> all = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            String prefix = stream + "-" + System.nanoTime();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                ids.add(prefix + "-" + i);
            }
            all.addAll(ids);
            String body = ids.stream()
                    .map(id -> "{\"id\":\"" + id + "\",\"payload\":\"" + "x".repeat(40) + "\"}")
                    .collect(Collectors.joining("\n", "", "\n"));
            answers.add(http.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/streams/" + stream + "/events"))
                            .header("Content-Type", "application/x-ndjson")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.join();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        return all;
    }

    private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
