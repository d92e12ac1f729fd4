package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.support.FaultProxy;
import io.firehosegateway.support.FaultProxy.Fault;
import io.firehosegateway.support.FirehoseEmulator;
import io.firehosegateway.support.GatewayProcess;
import io.firehosegateway.support.MotoServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's JSON logs ({@code logging.structured.format.console=ecs}, as compose and the
 * Kubernetes manifests set it) under delivery faults, read from a gateway process's own output: one
 * line per faulty call with the stream, sink, reason and counts as fields of their own, and nowhere
 * in the whole log an API key or an event's content.
 */
class DeliveryFaultLogIntegrationTests {

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final String LOGGER = DeliveryFaultLog.class.getName();

    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void eachFaultIsOneJsonLineWithItsFieldsAndNeverAKeyOrAnEvent() throws Exception {
        URI moto = MotoServer.endpoint();
        String suffix = Long.toHexString(System.nanoTime());
        String stream = "logs-" + suffix;
        // Known to the gateway, never created in moto: a configuration fault.
        String missingStream = "logs-missing-" + suffix;
        String apiKey = "k-" + UUID.randomUUID().toString().replace("-", "");
        String bodyMarker = "body-" + UUID.randomUUID();

        try (FirehoseEmulator emulator = new FirehoseEmulator(moto);
                FaultProxy proxy = FaultProxy.start(moto)) {
            emulator.createStream(stream);
            // The stream's first calls: throttled, reset after landing, entries failed; then all pass.
            proxy.script(call -> {
                if (!call.stream().equals(stream)) {
                    return Fault.pass();
                }
                return switch (call.number()) {
                    case 1 -> Fault.serviceUnavailable();
                    case 2 -> Fault.resetAfterForwarding();
                    case 3 -> Fault.failEveryNth(2);
                    default -> Fault.pass();
                };
            });

            Map<String, String> properties = new LinkedHashMap<>();
            properties.put("logging.structured.format.console", "ecs");
            properties.put("gateway.sink", "firehose");
            properties.put("gateway.firehose.endpoint", proxy.endpoint().toString());
            properties.put("gateway.aws.region", FirehoseEmulator.REGION);
            properties.put("gateway.delivery.initial-backoff", "10ms");
            properties.put("gateway.delivery.max-backoff", "100ms");
            properties.put("gateway.default-stream", stream);
            properties.put("gateway.streams." + missingStream + ".pack-bytes", "0B");
            properties.put("gateway.security.api-keys[0].name", "producer");
            properties.put("gateway.security.api-keys[0].key", apiKey);
            Path log = temp.resolve("gateway.log");

            try (GatewayProcess gateway = GatewayProcess.start(properties, log)) {
                // One request at a time, so each scripted fault meets a call of its own.
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> answer = post(gateway, stream, apiKey, bodyMarker, 10);
                    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                }
                HttpResponse<String> refused = post(gateway, missingStream, apiKey, bodyMarker, 5);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                // A refused key and a bad body: logged by others, if at all, never with the key or body.
                post(gateway, stream, apiKey + "x", bodyMarker, 1);

                try {
                    await("the configuration fault is logged")
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> faultLines(log).stream()
                                    .anyMatch(line -> field(line, "reason").equals("configuration")));
                } catch (ConditionTimeoutException e) {
                    throw new AssertionError(e.getMessage() + "\nThe gateway's log:\n" + Files.readString(log), e);
                }
            }

            String output = Files.readString(log);
            assertThat(output).as("the log names no API key").doesNotContain(apiKey);
            assertThat(output).as("the log holds no event").doesNotContain(bodyMarker);

            List<JsonNode> faults = faultLines(log);
            System.out.println("Delivery fault lines:\n"
                    + String.join("\n", faults.stream().map(JsonNode::toString).toList()));
            Map<String, JsonNode> byReason = new LinkedHashMap<>();
            for (JsonNode line : faults) {
                assertThat(field(line, "sink")).isEqualTo("firehose");
                assertThat(line.path("message").asString()).startsWith("Stream ");
                byReason.putIfAbsent(field(line, "reason"), line);
            }
            assertThat(byReason).containsOnlyKeys("throttled", "unknown-outcome", "configuration");

            // Which call meets which fault depends on the timing, but each reason is logged once here:
            // a second line of a stream and reason within DeliveryFaultLog.INTERVAL_NANOS is not.
            assertThat(faults.stream().map(line -> field(line, "stream") + " " + field(line, "reason")))
                    .doesNotHaveDuplicates();

            JsonNode throttled = byReason.get("throttled");
            assertThat(level(throttled)).isEqualTo("WARN");
            assertThat(field(throttled, "stream")).isEqualTo(stream);
            assertThat(number(throttled, "records")).isEqualTo(10);
            assertThat(number(throttled, "retried")).isPositive();
            assertThat(number(throttled, "retried") + number(throttled, "delivered"))
                    .isEqualTo(10);
            assertThat(number(throttled, "given_up")).isZero();

            JsonNode unknown = byReason.get("unknown-outcome");
            assertThat(level(unknown)).isEqualTo("WARN");
            assertThat(number(unknown, "possible_duplicates")).isEqualTo(10);
            assertThat(number(unknown, "retried")).isEqualTo(10);

            JsonNode configuration = byReason.get("configuration");
            assertThat(level(configuration)).isEqualTo("ERROR");
            assertThat(field(configuration, "stream")).isEqualTo(missingStream);
            assertThat(field(configuration, "error_code")).isEqualTo("ResourceNotFoundException");
            assertThat(number(configuration, "records")).isEqualTo(5);
            assertThat(number(configuration, "given_up")).isEqualTo(5);
            assertThat(field(configuration, "given_up_reasons")).isEqualTo("configuration");
            assertThat(configuration.path("message").asString()).contains("the configuration is wrong");
        }
    }

    private HttpResponse<String> post(GatewayProcess gateway, String stream, String key, String marker, int events)
            throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            lines.add("{\"secret\":\"" + marker + "-" + i + "\"}");
        }
        return http.send(
                HttpRequest.newBuilder(gateway.uri("/streams/" + stream + "/events"))
                        .header("Content-Type", "application/x-ndjson")
                        .header("X-API-Key", key)
                        .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON lines of the delivery fault log; every line of the log must be JSON. */
    private static List<JsonNode> faultLines(Path log) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String text : Files.readAllLines(log)) {
            if (text.isBlank() || !text.startsWith("{")) {
                continue; // the banner and the JVM's own warnings are not the gateway's logging
            }
            JsonNode line = json.readTree(text);
            if (LOGGER.equals(line.path("log").path("logger").asString())) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** A key-value pair of the line: {@code gateway.<name>}, nested as ECS nests dotted names, or flat. */
    private static JsonNode value(JsonNode line, String name) {
        JsonNode nested = line.path("gateway").path(name);
        return nested.isMissingNode() ? line.path("gateway." + name) : nested;
    }

    private static String level(JsonNode line) {
        return line.path("log").path("level").asString();
    }

    private static String field(JsonNode line, String name) {
        return value(line, name).asString();
    }

    private static long number(JsonNode line, String name) {
        JsonNode value = value(line, name);
        return value.isNumber() ? value.asLong() : Long.parseLong(value.asString());
    }
}
