package io.firehosegateway.sink.firehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.support.FaultProxy;
import io.firehosegateway.support.FaultProxy.Fault;
import io.firehosegateway.support.FaultProxy.Kind;
import io.firehosegateway.support.FirehoseEmulator;
import io.firehosegateway.support.MotoServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Firehose's failures, injected at the HTTP level by a {@link FaultProxy} between the gateway's AWS
 * SDK client and moto. Each test compares what landed in moto's S3 with what the gateway told its
 * client, and the gateway's retry metrics with the faults the proxy counted.
 */
class FirehoseFaultIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(FirehoseFaultIntegrationTests.class);
    private static final JsonMapper json = JsonMapper.builder().build();
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void requireMoto() {
        // Skips before a context is built, rather than failing to build it.
        MotoServer.endpoint();
    }

    /** Faults of single calls, within the default delivery timeout of 10 s. */
    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    class CallFaults {

        static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(10);
        static final List<String> STREAMS =
                List.of("partial", "errors", "reset-before", "reset-after", "slow", "timeout");

        static FaultProxy proxy;
        static FirehoseEmulator emulator;
        static String suffix;
        static String missingStream;
        static final Map<String, String> buckets = new HashMap<>();

        @LocalServerPort
        int port;

        @Autowired
        MeterRegistry meters;

        @DynamicPropertySource
        static void gateway(DynamicPropertyRegistry registry) throws IOException {
            URI moto = MotoServer.endpoint();
            emulator = new FirehoseEmulator(moto);
            proxy = FaultProxy.start(moto);
            suffix = Long.toHexString(System.nanoTime());
            for (String stream : STREAMS) {
                buckets.put(stream, emulator.createStream(stream(stream)));
                registry.add("gateway.streams." + stream(stream) + ".pack-bytes", () -> "0B");
            }
            // Known to the gateway, never created in moto: every call is ResourceNotFoundException.
            missingStream = stream("missing");
            registry.add("gateway.streams." + missingStream + ".pack-bytes", () -> "0B");
            registry.add("gateway.default-stream", () -> stream("partial"));
            shortRetries(registry, proxy);
        }

        static String stream(String name) {
            return "fault-" + name + "-" + suffix;
        }

        static String bucket(String name) {
            return buckets.get(name);
        }

        @AfterAll
        static void stop() throws IOException {
            close(proxy, emulator);
        }

        @BeforeEach
        void passEverything() {
            proxy.reset();
        }

        @Test
        void partialFailuresResendOnlyTheFailedEntriesAndEveryAcknowledgedEventLandsOnce() {
            // Fails every 3rd entry of every call, resends included: a resent batch fails a third again.
            proxy.script(call -> Fault.failEveryNth(3));

            List<String> ids = postAll(port, stream("partial"), 3, 400);

            Map<String, Integer> landed = landedIds(emulator, bucket("partial"));
            log.info("partial failures: {}", proxy);
            assertThat(landed.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(landed)
                    .allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
            // Entries answered as accepted never went to moto again.
            assertThat(proxy.forwardedRecords()).isEqualTo(ids.size());
            assertThat(proxy.failedEntries()).isGreaterThanOrEqualTo(ids.size() / 3);
            assertThat(counter(GatewayMetrics.RECORDS_RETRIED, stream("partial")))
                    .isEqualTo(proxy.failedEntries());
            assertThat(counter(GatewayMetrics.RECORDS_POSSIBLE_DUPLICATES, stream("partial")))
                    .isZero();
        }

        @Test
        void throttledAndFailedCallsAreResentWholeAndEveryAcknowledgedEventLandsOnce() {
            proxy.script(call -> call.number() > 4
                    ? Fault.pass()
                    : call.number() % 2 == 1 ? Fault.serviceUnavailable() : Fault.internalFailure());

            List<String> ids = postAll(port, stream("errors"), 3, 400);

            Map<String, Integer> landed = landedIds(emulator, bucket("errors"));
            log.info("503 and 500: {}", proxy);
            assertThat(proxy.calls(Kind.SERVICE_UNAVAILABLE)).isEqualTo(2);
            assertThat(proxy.calls(Kind.INTERNAL_FAILURE)).isEqualTo(2);
            assertThat(landed.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(landed)
                    .allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
            assertThat(proxy.forwardedRecords()).isEqualTo(ids.size());
            assertThat(counter(GatewayMetrics.RECORDS_RETRIED, stream("errors")))
                    .isEqualTo(proxy.records(Kind.SERVICE_UNAVAILABLE) + proxy.records(Kind.INTERNAL_FAILURE));
            assertThat(counter(GatewayMetrics.RECORDS_POSSIBLE_DUPLICATES, stream("errors")))
                    .isZero();
        }

        @Test
        void resetBeforeForwardingIsResentAsAPossibleDuplicateButLandsOnce() {
            proxy.script(call -> call.number() <= 2 ? Fault.resetBeforeForwarding() : Fault.pass());

            List<String> ids = postAll(port, stream("reset-before"), 2, 300);

            Map<String, Integer> landed = landedIds(emulator, bucket("reset-before"));
            log.info("reset before forwarding: {}", proxy);
            assertThat(proxy.calls(Kind.RESET_BEFORE_FORWARDING)).isEqualTo(2);
            assertThat(landed.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(landed)
                    .allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
            // The gateway cannot tell a reset before from one after: it counts them all as possible duplicates.
            assertThat(counter(GatewayMetrics.RECORDS_POSSIBLE_DUPLICATES, stream("reset-before")))
                    .isEqualTo(proxy.records(Kind.RESET_BEFORE_FORWARDING));
        }

        @Test
        void resetAfterForwardingDuplicatesExactlyTheRecordsOfTheResetCalls() {
            proxy.script(call -> call.number() <= 2 ? Fault.resetAfterForwarding() : Fault.pass());

            List<String> ids = postAll(port, stream("reset-after"), 2, 300);

            Map<String, Integer> landed = landedIds(emulator, bucket("reset-after"));
            int duplicates =
                    landed.values().stream().mapToInt(times -> times - 1).sum();
            log.info("reset after forwarding: {} duplicates in S3, {}", duplicates, proxy);
            assertThat(proxy.calls(Kind.RESET_AFTER_FORWARDING)).isEqualTo(2);
            assertThat(landed.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(landed.values()).allSatisfy(times -> assertThat(times).isBetween(1, 2));
            assertThat(duplicates).isEqualTo(proxy.records(Kind.RESET_AFTER_FORWARDING));
            assertThat(counter(GatewayMetrics.RECORDS_POSSIBLE_DUPLICATES, stream("reset-after")))
                    .isEqualTo(duplicates);
        }

        @Test
        void latencyBelowTheAttemptTimeoutDelaysAnswersButNothingIsResent() {
            proxy.script(call -> Fault.latency(Duration.ofMillis(500)));

            List<String> ids = postAll(port, stream("slow"), 2, 300);

            Map<String, Integer> landed = landedIds(emulator, bucket("slow"));
            log.info("latency below the attempt timeout: {}", proxy);
            assertThat(proxy.calls(Kind.LATENCY)).isPositive();
            assertThat(landed.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(landed)
                    .allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
            assertThat(counter(GatewayMetrics.RECORDS_RETRIED, stream("slow"))).isZero();
        }

        @Test
        void latencyAboveTheAttemptTimeoutIsAnUnknownOutcomeAndIsResent() {
            // The call lands at once and its answer comes after the 2 s attempt timeout.
            proxy.script(call -> call.number() == 1 ? Fault.latency(Duration.ofSeconds(3)) : Fault.pass());

            long start = System.nanoTime();
            List<String> ids = postAll(port, stream("timeout"), 1, 300);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            Map<String, Integer> landed = landedIds(emulator, bucket("timeout"));
            int duplicates =
                    landed.values().stream().mapToInt(times -> times - 1).sum();
            log.info(
                    "latency above the attempt timeout: {} duplicates in S3, answered in {}, {}",
                    duplicates,
                    took,
                    proxy);
            assertThat(took).isLessThan(DELIVERY_TIMEOUT.plusSeconds(3));
            assertThat(proxy.calls(Kind.LATENCY)).isEqualTo(1);
            assertThat(landed.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(duplicates).isEqualTo(proxy.records(Kind.LATENCY));
            assertThat(counter(GatewayMetrics.RECORDS_POSSIBLE_DUPLICATES, stream("timeout")))
                    .isEqualTo(proxy.records(Kind.LATENCY));
        }

        @Test
        void missingStreamIsAConfigurationFaultAnsweredAtOnceAndNothingLands() throws Exception {
            List<String> ids = ids(missingStream, 0, 20);

            long start = System.nanoTime();
            HttpResponse<String> response = post(port, missingStream, ids).join();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            log.info("missing stream: answered in {}, {}", took, proxy);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            JsonNode problem = json.readTree(response.body());
            assertThat(problem.get("reason").asString()).isEqualTo("configuration");
            assertThat(idsOf(problem.get("failed"))).containsExactlyElementsOf(ids);
            assertThat(problem.get("delivered")).isEmpty();
            assertThat(problem.get("unknown")).isEmpty();
            // Not the deadline: the first answer from Firehose settled it.
            assertThat(took).isLessThan(DELIVERY_TIMEOUT);
            assertThat(proxy.calls(Kind.PASS)).isPositive();
            assertThat(proxy.forwardedRecords()).isZero();
            assertThat(emulator.linesInEveryBucket())
                    .noneMatch(line -> ids.stream().anyMatch(id -> line.contains("\"" + id + "\"")));
            assertThat(meters.find(GatewayMetrics.RECORDS_FAILED)
                            .tag(GatewayMetrics.TAG_STREAM, missingStream)
                            .tag(GatewayMetrics.TAG_REASON, "configuration")
                            .counter()
                            .count())
                    .isEqualTo(ids.size());
        }

        private double counter(String name, String stream) {
            Counter counter =
                    meters.find(name).tag(GatewayMetrics.TAG_STREAM, stream).counter();
            return counter == null ? 0 : counter.count();
        }
    }

    /** Firehose unreachable for longer than the delivery timeout, shortened to 2 s. */
    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    class Outage {

        static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(2);

        static FaultProxy proxy;
        static FirehoseEmulator emulator;
        static String stream;
        static String bucket;

        @LocalServerPort
        int port;

        @DynamicPropertySource
        static void gateway(DynamicPropertyRegistry registry) throws IOException {
            URI moto = MotoServer.endpoint();
            emulator = new FirehoseEmulator(moto);
            proxy = FaultProxy.start(moto);
            stream = "fault-outage-" + Long.toHexString(System.nanoTime());
            bucket = emulator.createStream(stream);
            registry.add("gateway.default-stream", () -> stream);
            registry.add("gateway.delivery.timeout", DELIVERY_TIMEOUT::toString);
            shortRetries(registry, proxy);
        }

        @AfterAll
        static void stop() throws IOException {
            close(proxy, emulator);
        }

        @Test
        void outageLongerThanTheDeliveryTimeoutAnswers503AndWhatItCallsFailedNeverLands() throws Exception {
            // The client's first calls are slow on a busy machine; the 2 s deadline is for the outage.
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> post(port, stream, ids("warm-up-" + System.nanoTime(), 0, 10))
                                    .join()
                                    .statusCode()
                            == 200);
            proxy.reset();
            // 600 events go out as two calls at once: the first lands, the second meets the outage.
            proxy.script(call -> call.number() == 2 ? Fault.outage() : Fault.pass());
            List<String> ids = ids("outage-" + stream, 0, 600);

            long start = System.nanoTime();
            HttpResponse<String> response;
            try {
                response = post(port, stream, ids).join();
            } finally {
                proxy.endOutage();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(took).isLessThan(DELIVERY_TIMEOUT.plusSeconds(3));
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = json.readTree(response.body());
            List<String> delivered = idsOf(problem.get("delivered"));
            List<String> failed = idsOf(problem.get("failed"));
            List<String> unknown = idsOf(problem.get("unknown"));
            log.info(
                    "outage: answered in {} with reason {}: {} delivered, {} failed, {} unknown; {}",
                    took,
                    problem.get("reason").asString(),
                    delivered.size(),
                    failed.size(),
                    unknown.size(),
                    proxy);
            List<String> listed = new ArrayList<>(delivered);
            listed.addAll(failed);
            listed.addAll(unknown);
            assertThat(listed).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(delivered).hasSize(proxy.records(Kind.PASS));
            assertThat(failed).hasSize(proxy.records(Kind.OUTAGE));

            // After recovery new requests are delivered again...
            List<String> after = postAll(port, stream, 1, 10);
            assertThat(landedIds(emulator, bucket).keySet()).containsAll(after).containsAll(delivered);
            // ...while what was reported failed never comes, resent late or not.
            Set<String> failedIds = Set.copyOf(failed);
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(6))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> landedIds(emulator, bucket).keySet().stream().noneMatch(failedIds::contains));
        }
    }

    private static void shortRetries(DynamicPropertyRegistry registry, FaultProxy proxy) {
        System.setProperty("aws.accessKeyId", FirehoseEmulator.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", FirehoseEmulator.SECRET_KEY);
        registry.add("gateway.sink", () -> "firehose");
        registry.add("gateway.firehose.endpoint", () -> proxy.endpoint().toString());
        registry.add("gateway.aws.region", () -> FirehoseEmulator.REGION);
        registry.add("gateway.delivery.initial-backoff", () -> "10ms");
        registry.add("gateway.delivery.max-backoff", () -> "200ms");
        registry.add("gateway.aws.api-call-attempt-timeout", () -> "2s");
        registry.add("gateway.delivery.linger", () -> "5ms");
    }

    private static void close(FaultProxy proxy, FirehoseEmulator emulator) throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    /** Ids {@code prefix-from} to {@code prefix-(from+count-1)}. */
    private static List<String> ids(String prefix, int from, int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            ids.add(prefix + "-" + i);
        }
        return ids;
    }

    /** Posts {@code requests} requests of {@code events} events at once; asserts each got 200; returns the ids. */
    private static List<String> postAll(int port, String stream, int requests, int events) {
        List<String> all = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            List<String> ids = ids(stream + "-" + System.nanoTime(), 0, events);
            all.addAll(ids);
            answers.add(post(port, stream, ids));
        }
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.join();
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
        return all;
    }

    private static CompletableFuture<HttpResponse<String>> post(int port, String stream, List<String> ids) {
        String body = ids.stream()
                .map(id -> "{\"id\":\"" + id + "\",\"payload\":\"" + "x".repeat(40) + "\"}")
                .collect(Collectors.joining("\n", "", "\n"));
        return http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/streams/" + stream + "/events"))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** How many times each event id landed in the bucket. */
    private static Map<String, Integer> landedIds(FirehoseEmulator emulator, String bucket) {
        return emulator.lines(bucket).stream()
                .map(line -> json.readTree(line).get("id").asString())
                .collect(Collectors.toMap(Function.identity(), id -> 1, Integer::sum, TreeMap::new));
    }

    private static List<String> idsOf(JsonNode refs) {
        List<String> ids = new ArrayList<>();
        for (JsonNode ref : refs) {
            ids.add(ref.get("id").asString());
        }
        return ids;
    }
}
