package io.firehosegateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.firehosegateway.support.FaultProxy;
import io.firehosegateway.support.FaultProxy.Fault;
import io.firehosegateway.support.FirehoseEmulator;
import io.firehosegateway.support.GatewayProcess;
import io.firehosegateway.support.MotoServer;
import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard ({@code ops/grafana/dashboards}) against what gateways really publish.
 * Grafana itself is not run: a real Prometheus scrapes two gateway processes under load, one on
 * Firehose (moto behind a {@link FaultProxy} that throttles, fails entries, resets connections and
 * refuses records, and a stream moto does not have, so the stream pauses) in journaled mode, one on
 * the local sink in confirmed mode. Then every query of every panel, read from the dashboard's
 * JSON with its variables substituted as Grafana would, runs against Prometheus' HTTP API, for each
 * sink and for all of them, and must return data; the fault panels must show the faults.
 * Skipped without {@code prometheus} on the PATH or moto ({@code .ci/run} provides both).
 */
class GrafanaDashboardIntegrationTests {

    private static final Path DASHBOARD = Path.of("ops/grafana/dashboards/firehose-gateway.json");
    private static final String DATASOURCE_UID = "prometheus";
    /** What Grafana makes of {@code $__rate_interval} at a 1 s scrape interval, with room for late scrapes. */
    private static final String RATE_INTERVAL = "10s";

    private static final String ALL = ".*";
    private static final List<String> SINKS = List.of("firehose", "local");
    /** Panels whose data must show a fault that happened, by title and target: not just zeros. */
    private static final Map<String, String> FAULT_TARGETS = Map.of(
            "Retries and failures by reason/A", "records were sent again",
            "Retries and failures by reason/B", "a record was given up on (refused as invalid)",
            "Possible duplicates/A", "a call's outcome was unknown",
            "Paused by a configuration fault/A", "a stream was paused");

    private static final JsonMapper json = JsonMapper.builder().build();
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");

    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void dashboardIsWellFormedForProvisioning() throws IOException {
        JsonNode dashboard = json.readTree(Files.readString(DASHBOARD));

        assertThat(dashboard.path("uid").asString()).isEqualTo("firehose-gateway");
        assertThat(variables(dashboard)).containsKeys("stream", "sink", "instance");
        List<Panel> panels = panels(dashboard);
        assertThat(panels).extracting(Panel::title).doesNotHaveDuplicates();
        for (Panel panel : panels) {
            assertThat(panel.node().path("datasource").path("uid").asString())
                    .as("%s uses the provisioned data source", panel.title())
                    .isEqualTo(DATASOURCE_UID);
            assertThat(panel.targets()).as("%s has queries", panel.title()).isNotEmpty();
        }
        // Every panel the issue asks for, by the metric it reads.
        String queries = panels.stream()
                .flatMap(panel -> panel.targets().values().stream())
                .reduce("", String::concat);
        assertThat(queries)
                .contains(
                        "gateway_events_received_total",
                        "gateway_events_delivered_total",
                        "histogram_quantile(0.5, sum by (le, stream, sink) (rate(gateway_sink_requests_seconds_bucket",
                        "histogram_quantile(0.99, sum by (le, stream, sink) (rate(gateway_sink_requests_seconds_bucket",
                        "gateway_batch_records_sum",
                        "gateway_records_retried_total",
                        "sum by (stream, sink, reason) (rate(gateway_records_failed_total",
                        "gateway_records_possible_duplicates_total",
                        "gateway_buffer_fullness",
                        "gateway_journal_fullness",
                        "gateway_journal_oldest_age_seconds",
                        "gateway_sink_paused",
                        "gateway_sink_concurrency_limit",
                        "gateway_sink_billed_units_total",
                        "gateway_records_bytes_total",
                        "http_server_requests_seconds_count",
                        "jvm_memory_used_bytes",
                        "jvm_gc_pause_seconds",
                        "jvm_threads_live_threads");
        for (Panel panel : panels) {
            for (String query : panel.targets().values()) {
                if (query.contains("gateway_")
                        && !query.contains("gateway_buffer_")
                        && !query.contains("gateway_journal_")) {
                    assertThat(query)
                            .as("%s filters by the stream and sink variables", panel.title())
                            .contains("stream=~\"$stream\"", "sink=~\"$sink\"");
                }
            }
        }
    }

    @Test
    void everyPanelReturnsDataFromPrometheusScrapingGatewaysUnderLoadAndFaults() throws Exception {
        Path prometheusBinary = onPath("prometheus");
        assumeTrue(prometheusBinary != null, "Skipped: prometheus is not on the PATH (apt-get install prometheus)");
        URI moto = MotoServer.endpoint();
        JsonNode dashboard = json.readTree(Files.readString(DASHBOARD));

        String suffix = Long.toHexString(System.nanoTime());
        String firehoseStream = "dash-" + suffix;
        // Known to the gateway, never created in moto: a configuration fault, so the stream pauses.
        String missingStream = "dash-missing-" + suffix;
        String localStream = "dash-local-" + suffix;

        try (FirehoseEmulator emulator = new FirehoseEmulator(moto);
                FaultProxy proxy = FaultProxy.start(moto)) {
            emulator.createStream(firehoseStream);
            proxy.script(call -> {
                if (call.records().stream().anyMatch(data -> data.contains("\"refused\""))) {
                    return Fault.invalidArgument();
                }
                return switch (call.number() % 8) {
                    case 1 -> Fault.serviceUnavailable();
                    case 3 -> Fault.failEveryNth(4);
                    case 5 -> Fault.resetAfterForwarding();
                    default -> Fault.pass();
                };
            });

            Map<String, String> onFirehose = new LinkedHashMap<>();
            onFirehose.put("gateway.sink", "firehose");
            onFirehose.put("gateway.firehose.endpoint", proxy.endpoint().toString());
            onFirehose.put("gateway.aws.region", FirehoseEmulator.REGION);
            onFirehose.put("gateway.delivery.mode", "journaled");
            onFirehose.put("gateway.journal.directory", temp.resolve("journal").toString());
            onFirehose.put("gateway.journal.max-size", "64MB");
            onFirehose.put(
                    "gateway.delivery.dead-letter-directory",
                    temp.resolve("dead-letter").toString());
            onFirehose.put("gateway.delivery.configuration-fault-pause", "2s");
            onFirehose.put("gateway.delivery.initial-backoff", "10ms");
            onFirehose.put("gateway.delivery.max-backoff", "200ms");
            onFirehose.put("gateway.aws.api-call-attempt-timeout", "2s");
            onFirehose.put("gateway.default-stream", firehoseStream);
            onFirehose.put("gateway.streams." + missingStream + ".pack-bytes", "0B");
            onFirehose.put("gateway.delivery.drain-timeout", "1s");

            Map<String, String> onLocal = new LinkedHashMap<>();
            onLocal.put("gateway.sink", "local");
            onLocal.put("gateway.local.directory", temp.resolve("data").toString());
            onLocal.put("gateway.default-stream", localStream);
            onLocal.put("gateway.streams." + localStream + ".pack-bytes", "5KB");

            // Started one after the other: on a busy machine two starting at once can both be slow.
            try (GatewayProcess firehose = GatewayProcess.start(onFirehose, temp.resolve("firehose.log"));
                    GatewayProcess local = GatewayProcess.start(onLocal, temp.resolve("local.log"))) {
                Process prometheus = startPrometheus(prometheusBinary, firehose, local);
                try {
                    long start = System.currentTimeMillis() / 1000 - 5;
                    // Load until every panel shows data, so rates see it across several scrapes.
                    AtomicBoolean loading = new AtomicBoolean(true);
                    CompletableFuture<Integer> loader = CompletableFuture.supplyAsync(
                            () -> load(loading, firehose, firehoseStream, missingStream, local, localStream));

                    URI api = URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/");
                    try {
                        await("every panel of the dashboard shows data")
                                .atMost(Duration.ofSeconds(90))
                                .pollInterval(Duration.ofSeconds(2))
                                // Prometheus may not listen yet on a busy machine.
                                .ignoreExceptionsInstanceOf(ConnectException.class)
                                .untilAsserted(() -> {
                                    assertThat(variablesWithoutValues(api, dashboard, firehoseStream, localStream))
                                            .as("variables without their values")
                                            .isEmpty();
                                    assertThat(panelsWithoutData(api, dashboard, start))
                                            .as("panels whose query returns no data, by sink")
                                            .isEmpty();
                                });
                        loading.set(false);
                        System.out.println(
                                "Every panel showed data after " + loader.join() + " rounds of load; " + proxy);
                    } catch (ConditionTimeoutException e) {
                        loading.set(false);
                        throw new AssertionError(
                                e.getMessage() + "\nfault proxy: " + proxy + "\nPrometheus log:\n"
                                        + Files.readString(temp.resolve("prometheus.log")),
                                e);
                    }
                } finally {
                    prometheus.destroy();
                    if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                        prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                }
            }
        }
    }

    private int prometheusPort;

    private Process startPrometheus(Path binary, GatewayProcess... gateways) throws IOException {
        StringBuilder targets = new StringBuilder();
        for (GatewayProcess gateway : gateways) {
            URI uri = gateway.uri("/");
            targets.append(targets.isEmpty() ? "" : ", ")
                    .append("'127.0.0.1:")
                    .append(uri.getPort())
                    .append('\'');
        }
        Path config = temp.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: gateway
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: [%s]
                """.formatted(targets));
        prometheusPort = MotoServer.freePort();
        return new ProcessBuilder(
                        binary.toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + temp.resolve("tsdb"),
                        "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true)
                .redirectOutput(temp.resolve("prometheus.log").toFile())
                .start();
    }

    /**
     * Requests from a few clients at once: to the Firehose stream (some with an event the proxy
     * refuses as invalid), to the missing stream, to the local sink, and a few malformed ones, so
     * answers have more than one status.
     */
    private int load(
            AtomicBoolean loading,
            GatewayProcess firehose,
            String firehoseStream,
            String missingStream,
            GatewayProcess local,
            String localStream) {
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        int round = 0;
        // Bounded, so a test that never sees its data does not fill the journal meanwhile.
        for (; loading.get() && round < 5000; round++) {
            answers.add(
                    post(firehose.uri("/streams/" + firehoseStream + "/events"), events(round, 150, round % 10 == 3)));
            answers.add(post(local.uri("/streams/" + localStream + "/events"), events(round, 150, false)));
            if (round % 10 == 0) {
                answers.add(post(firehose.uri("/streams/" + missingStream + "/events"), events(round, 20, false)));
                answers.add(post(local.uri("/events"), "{\"not\": ndjson"));
            }
            if (answers.size() >= 8) {
                settle(answers);
            }
        }
        settle(answers);
        return round;
    }

    private static void settle(List<CompletableFuture<HttpResponse<String>>> answers) {
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.join();
            assertThat(response.statusCode()).as(response.body()).isIn(200, 202, 400);
        }
        answers.clear();
    }

    private static String events(int round, int count, boolean withRefused) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < count; i++) {
            String kind = withRefused && i == count / 2 ? "refused" : "ok";
            body.append("{\"round\":")
                    .append(round)
                    .append(",\"n\":")
                    .append(i)
                    .append(",\"kind\":\"")
                    .append(kind)
                    .append("\",\"payload\":\"")
                    .append("x".repeat(60))
                    .append("\"}\n");
        }
        return body.toString();
    }

    private CompletableFuture<HttpResponse<String>> post(URI uri, String body) {
        return http.sendAsync(
                HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Each variable's query, as Grafana runs it, must offer the values the gateways publish. */
    private List<String> variablesWithoutValues(URI api, JsonNode dashboard, String firehoseStream, String localStream)
            throws Exception {
        Map<String, Set<String>> expected = Map.of(
                "sink", Set.copyOf(SINKS),
                "stream", Set.of(firehoseStream, localStream),
                "instance", Set.of());
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> variable : variables(dashboard).entrySet()) {
            Matcher query = LABEL_VALUES.matcher(variable.getValue());
            assertThat(query.matches()).as(variable.getValue()).isTrue();
            String match = substitute(query.group(1), ALL, ALL);
            JsonNode answer = get(api.resolve("label/" + query.group(2) + "/values?match[]=" + encode(match)));
            Set<String> values = new TreeSet<>();
            answer.path("data").forEach(value -> values.add(value.asString()));
            if (values.isEmpty() || !values.containsAll(expected.get(variable.getKey()))) {
                missing.add(variable.getKey() + " offers " + values);
            }
        }
        return missing;
    }

    /** "title/refId (sink)" of every target that returns no finite value, or not the fault it must show. */
    private List<String> panelsWithoutData(URI api, JsonNode dashboard, long start) throws Exception {
        long end = System.currentTimeMillis() / 1000;
        List<String> missing = new ArrayList<>();
        for (Panel panel : panels(dashboard)) {
            for (Map.Entry<String, String> target : panel.targets().entrySet()) {
                String name = panel.title() + "/" + target.getKey();
                List<String> sinks = new ArrayList<>(SINKS);
                sinks.add(ALL);
                for (String sink : sinks) {
                    String query = substitute(target.getValue(), sink, ALL);
                    JsonNode result = get(api.resolve("query_range?query=" + encode(query) + "&start=" + start + "&end="
                                    + end + "&step=1"))
                            .path("data")
                            .path("result");
                    double max = max(result);
                    if (Double.isNaN(max)) {
                        missing.add(name + " (" + sink + "): no data");
                    } else if (sink.equals("firehose") && FAULT_TARGETS.containsKey(name) && !(max > 0)) {
                        missing.add(name + " (" + sink + "): only zeros, though " + FAULT_TARGETS.get(name));
                    }
                }
            }
        }
        return missing;
    }

    /** The largest finite value of a range query's result; NaN when it has none. */
    private static double max(JsonNode result) {
        double max = Double.NaN;
        for (JsonNode series : result) {
            for (JsonNode point : series.path("values")) {
                double value = Double.parseDouble(point.get(1).asString());
                if (Double.isFinite(value) && (Double.isNaN(max) || value > max)) {
                    max = value;
                }
            }
        }
        return max;
    }

    /** What Grafana sends for the query: one sink (or All) chosen, every stream and instance. */
    private static String substitute(String query, String sink, String stream) {
        return query.replace("$__rate_interval", RATE_INTERVAL)
                .replace("$sink", sink)
                .replace("$stream", stream)
                .replace("$instance", ALL);
    }

    private JsonNode get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", uri, response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** A panel and its queries by refId. */
    private record Panel(String title, JsonNode node, Map<String, String> targets) {}

    private static List<Panel> panels(JsonNode dashboard) {
        List<Panel> panels = new ArrayList<>();
        for (JsonNode node : dashboard.path("panels")) {
            if (node.path("type").asString().equals("row")) {
                continue;
            }
            Map<String, String> targets = new LinkedHashMap<>();
            for (JsonNode target : node.path("targets")) {
                targets.put(target.path("refId").asString(), target.path("expr").asString());
            }
            panels.add(new Panel(node.path("title").asString(), node, targets));
        }
        return panels;
    }

    private static Map<String, String> variables(JsonNode dashboard) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            variables.put(
                    variable.path("name").asString(),
                    variable.path("definition").asString());
        }
        return variables;
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
