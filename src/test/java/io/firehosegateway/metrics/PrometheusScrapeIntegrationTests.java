package io.firehosegateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.firehosegateway.support.MotoServer;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code /actuator/prometheus} serves, judged by Prometheus's own tools: {@code promtool}
 * lints the exposition, and a real Prometheus server scrapes the gateway and answers queries on
 * what it stored. Skipped when the binaries are not on the PATH ({@code .ci/run} installs them).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class PrometheusScrapeIntegrationTests {

    private static final Path ALERTS_YML = Path.of("ops/prometheus/alerts.yml");

    /** A stream only the scrape test posts to, so its counter holds exactly what that test sent. */
    private static final String SCRAPED_STREAM = "scraped";

    private static final JsonMapper json = JsonMapper.builder().build();

    @TempDir
    static Path temp;

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void localSink(DynamicPropertyRegistry registry) {
        registry.add("gateway.sink", () -> "local");
        registry.add("gateway.local.directory", () -> temp.resolve("data").toString());
        registry.add("gateway.streams." + SCRAPED_STREAM + ".pack-bytes", () -> "0B");
    }

    // Per test, not @BeforeAll: Surefire reports a class aborted in @BeforeAll as "Tests run: 0"
    // and drops the reason, while a per-test assumption shows as skipped, with its message.
    @BeforeEach
    void requirePrometheusBinaries() {
        for (String binary : List.of("promtool", "prometheus")) {
            assumeTrue(
                    onPath(binary) != null,
                    () -> "Skipped: " + binary + " is not on the PATH (apt-get install prometheus)");
        }
    }

    @Test
    void promtoolFindsNoErrorInTheExposition() throws Exception {
        assertThat(post("/events", "[{\"a\":1},{\"b\":2},{\"c\":3}]").statusCode())
                .isEqualTo(200);
        String exposition = get("/actuator/prometheus");
        assertThat(exposition).contains("gateway_events_received_total");

        Path output = temp.resolve("promtool.out");
        Process promtool = new ProcessBuilder(onPath("promtool").toString(), "check", "metrics")
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try (var stdin = promtool.getOutputStream()) {
            stdin.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS))
                .as("promtool finished")
                .isTrue();
        int exit = promtool.exitValue();
        String findings = Files.readString(output);
        System.out.println("promtool check metrics exited " + exit + ":\n" + findings);

        // 0: clean; 3: lint findings only (promtool 2.42 flags Spring's and Micrometer's own
        // meters, e.g. missing HELP on http_server_requests_seconds); 1: unparseable exposition.
        assertThat(exit).as(findings).isIn(0, 3);
        assertThat(findings.lines())
                .as("the gateway's own meters lint clean")
                .noneMatch(line -> line.startsWith("gateway_"));
    }

    @Test
    void everyGatewayMetricTheAlertsUseIsExposed() throws Exception {
        assertThat(post("/events", "[{\"a\":1}]").statusCode()).isEqualTo(200);
        String exposition = get("/actuator/prometheus");
        Set<String> exposed = exposition
                .lines()
                .filter(line -> !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(Collectors.toSet());
        // The journal's meters exist in journaled mode only (JournalLimitsAndDamageIntegrationTests
        // scrapes lost-entries); named here from their Micrometer names.
        Set<String> journaledOnly = Set.of(
                prometheusName(GatewayMetrics.JOURNAL_OLDEST_AGE) + "_seconds",
                prometheusName(GatewayMetrics.JOURNAL_LOST_ENTRIES) + "_total");

        Set<String> used = new TreeSet<>();
        Map<String, List<Map<String, List<Map<String, Object>>>>> alerts =
                new Yaml().load(Files.readString(ALERTS_YML));
        for (Map<String, List<Map<String, Object>>> group : alerts.get("groups")) {
            for (Map<String, Object> rule : group.get("rules")) {
                Matcher names = Pattern.compile("\\bgateway_[a-z_]+").matcher((String) rule.get("expr"));
                while (names.find()) {
                    used.add(names.group());
                }
            }
        }

        assertThat(used).as("metrics in %s", ALERTS_YML).contains("gateway_buffer_fullness", "gateway_sink_paused");
        for (String name : used) {
            if (!journaledOnly.contains(name)) {
                assertThat(exposed)
                        .as("%s, used by %s, is exposed", name, ALERTS_YML)
                        .contains(name);
            }
        }
    }

    private static String prometheusName(String micrometerName) {
        return micrometerName.replace('.', '_').replace('-', '_');
    }

    @Test
    void prometheusScrapesTheGatewayAndStoresTheCounters() throws Exception {
        int events = 7;
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < events; i++) {
            body.append("{\"n\":").append(i).append("}\n");
        }
        HttpResponse<String> posted = http.send(
                request("/streams/" + SCRAPED_STREAM + "/events")
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);

        Path config = temp.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: gateway
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(port));
        int prometheusPort = MotoServer.freePort();
        Path log = temp.resolve("prometheus.log");
        Process prometheus = new ProcessBuilder(
                        onPath("prometheus").toString(),
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + temp.resolve("tsdb"),
                        "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            URI api = URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/query");
            String accepted = "gateway_events_received_total{job=\"gateway\",stream=\"" + SCRAPED_STREAM
                    + "\",sink=\"local\",outcome=\"accepted\"}";
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        assertThat(query(api, "up{job=\"gateway\"}")).hasValue(1.0);
                        assertThat(query(api, accepted)).hasValue(events);
                    });
            System.out.println("Prometheus: up{job=\"gateway\"} = 1, " + accepted + " = " + events);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\nPrometheus log:\n" + Files.readString(log), e);
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** The value of the first series an instant query returns, or empty when it returns none. */
    private OptionalDouble query(URI api, String promql) throws Exception {
        URI uri = URI.create(api + "?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = json.readTree(response.body()).path("data").path("result");
        if (result.isEmpty()) {
            return OptionalDouble.empty();
        }
        // An instant vector sample is [timestamp, "value"].
        return OptionalDouble.of(
                Double.parseDouble(result.get(0).path("value").get(1).asString()));
    }

    private HttpResponse<String> post(String path, String jsonBody) throws IOException, InterruptedException {
        return http.send(
                request(path)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(jsonBody))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
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
