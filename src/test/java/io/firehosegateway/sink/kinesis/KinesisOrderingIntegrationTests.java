package io.firehosegateway.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.KinesisEmulator;
import io.firehosegateway.support.KinesisEmulator.Landed;
import io.firehosegateway.support.KinesisFaultProxy;
import io.firehosegateway.support.KinesisFaultProxy.Fault;
import io.firehosegateway.support.MotoServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
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
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Order per key end to end: HTTP into the gateway, its Kinesis client through a
 * {@link KinesisFaultProxy} that fails entries and resets connections after forwarding (late
 * duplicates), into moto's two-shard streams, read back from every shard with {@code GetRecords}
 * (no resharding). Order is judged on the first copy of each event per key, by sequence number
 * within the key's shard. A {@code per-key} stream keeps it; under the same faults a {@code none}
 * stream does not, so the test can fail.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class KinesisOrderingIntegrationTests {

    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Pattern EVENT = Pattern.compile("\"id\":\"([^\"]+)\",\"user\":\"([^\"]+)\",\"n\":(\\d+)");

    private static KinesisEmulator emulator;
    private static KinesisFaultProxy proxy;
    private static String suffix;

    @LocalServerPort
    int port;

    static String stream(String name) {
        return "o-" + name + "-" + suffix;
    }

    static String destination(String name) {
        return "kdso-" + name + "-" + suffix;
    }

    @DynamicPropertySource
    static void gateway(DynamicPropertyRegistry registry) throws IOException {
        URI moto = MotoServer.endpoint();
        suffix = Long.toHexString(System.nanoTime());
        emulator = new KinesisEmulator(moto);
        proxy = KinesisFaultProxy.start(moto);
        emulator.createStream(destination("per-key"), 2);
        emulator.createStream(destination("none"), 2);
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
        registry.add("gateway.default-stream", () -> stream("per-key"));
        for (String name : List.of("per-key", "none")) {
            registry.add("gateway.streams." + stream(name) + ".destination", () -> destination(name));
            registry.add("gateway.streams." + stream(name) + ".partition-key", () -> "/user");
            registry.add("gateway.streams." + stream(name) + ".ordering", () -> name);
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
    void faults() {
        proxy.reset();
        // Every event whose number is a multiple of 3 fails its first try (a shard over its limit,
        // or an internal failure), and every 5th call lands but its answer is lost to a reset.
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
    }

    @Test
    void perKeyEventsOfEachKeyAreReadBackInTheOrderTheyWereAdmitted() throws Exception {
        sendFourRequestsOfSixUsers(stream("per-key"));

        Map<String, List<Integer>> firstCopies = firstCopiesByKey(destination("per-key"));
        assertThat(firstCopies).hasSize(6);
        assertThat(firstCopies.values()).allSatisfy(numbers -> {
            assertThat(numbers).hasSize(4 * 30);
            assertThat(numbers).as("order of the first copies").isSorted();
        });
        assertThat(proxy.failedEntries()).isPositive();
    }

    @Test
    void noneLetsARetriedEventLandAfterLaterOnesOfItsKey() throws Exception {
        sendFourRequestsOfSixUsers(stream("none"));

        Map<String, List<Integer>> firstCopies = firstCopiesByKey(destination("none"));
        assertThat(firstCopies.values())
                .allSatisfy(numbers -> assertThat(numbers).hasSize(4 * 30));
        assertThat(firstCopies.values())
                .anySatisfy(numbers -> assertThat(numbers)
                        .isNotEqualTo(numbers.stream().sorted().toList()));
    }

    /** Four confirmed requests in a row, each with 30 events of each of six users, interleaved. */
    private void sendFourRequestsOfSixUsers(String stream) throws Exception {
        int n = 0;
        for (int request = 0; request < 4; request++) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 30; i++) {
                for (int user = 0; user < 6; user++) {
                    body.append("{\"id\":\"")
                            .append(stream)
                            .append('-')
                            .append(user)
                            .append('-')
                            .append(n)
                            .append("\",\"user\":\"u")
                            .append(user)
                            .append("\",\"n\":")
                            .append(n)
                            .append("}\n");
                }
                n++;
            }
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/streams/" + stream + "/events"))
                            .header("Content-Type", "application/x-ndjson")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            // Confirmed: B is sent only after A was answered, so across requests order holds anyway.
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
    }

    /** Each key's event numbers in sequence order within its shard, first copies only. */
    private static Map<String, List<Integer>> firstCopiesByKey(String destination) {
        Set<String> seen = new HashSet<>();
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (Landed record : emulator.records(destination)) {
            Matcher event = EVENT.matcher(record.data());
            while (event.find()) {
                if (seen.add(event.group(1))) {
                    byKey.computeIfAbsent(event.group(2), key -> new ArrayList<>())
                            .add(Integer.parseInt(event.group(3)));
                }
            }
        }
        return byKey;
    }
}
