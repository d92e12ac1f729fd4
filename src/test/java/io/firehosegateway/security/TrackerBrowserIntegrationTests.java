package io.firehosegateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.firehosegateway.support.RecordingSink;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The tracker in a real browser: the OS's headless Chromium, driven by Selenium through the OS's
 * chromedriver (nothing is downloaded). Pages are served by a tiny HTTP server of the test, from an
 * origin the browser key lists and from one it does not; the gateway is another origin, as it would
 * be for a site. Skipped where Chromium or chromedriver is not installed (CI installs both).
 *
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "gateway.sink=firehose",
            "gateway.streams.clicks.pack-bytes=0B",
            "gateway.delivery.mode=buffered",
        })
@Import(RecordingSink.Configuration.class)
class TrackerBrowserIntegrationTests {

    static final String KEY = "site-browser-key-7777777777";

    /** The origin the key lists. */
    private static final HttpServer site = pageServer();

    /** Another site's page, at an origin the key does not list. */
    private static final HttpServer elsewhere = pageServer();

    private static volatile int gatewayPort;

    @TempDir
    static Path work;

    @LocalServerPort
    int port;

    @Autowired
    RecordingSink sink;

    private WebDriver browser;

    @DynamicPropertySource
    static void browserKey(DynamicPropertyRegistry registry) {
        // All of the key in one source: a list is bound whole from the one source that has it.
        registry.add("gateway.security.api-keys[0].name", () -> "site");
        registry.add("gateway.security.api-keys[0].key", () -> KEY);
        registry.add("gateway.security.api-keys[0].streams", () -> "clicks");
        registry.add("gateway.security.api-keys[0].origins", () -> origin(site));
    }

    @BeforeEach
    void startBrowser() throws IOException {
        Path chromium = onPath("chromium", "chromium-browser", "google-chrome");
        Path chromedriver = onPath("chromedriver");
        Assumptions.assumeTrue(
                chromium != null && chromedriver != null,
                "Skipped: no chromium or chromedriver on the PATH (apt-get install chromium chromium-driver)");
        gatewayPort = port;
        pages(elsewhere, Map.of("/other.html", this::otherSitesPage));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(work, "profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @AfterAll
    static void stopPages() {
        site.stop(0);
        elsewhere.stop(0);
    }

    @Test
    void aPageOfAnotherSiteLandsNothingByFetchSendBeaconOrThePixel() {
        String run = UUID.randomUUID().toString();
        GatewayHttp http = new GatewayHttp(port);
        double refusedBefore = refused(http);

        browser.get(origin(elsewhere) + "/other.html?run=" + run);

        // The gateway saw all three, and refused each as from an origin the key does not list.
        await().atMost(Duration.ofSeconds(30)).until(() -> refused(http) - refusedBefore >= 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(script("return window.done")));
        assertThat(script("return window.fetchFailed"))
                .as("fetch could not read an answer")
                .isEqualTo(Boolean.TRUE);
        assertThat(sink.records()).noneMatch(record -> record.contains(run));
    }

    @Test
    void aPageLeftInTheMiddleOfTwoThousandEventsLandsEachOnceByTheNextPage() {
        String run = UUID.randomUUID().toString();
        pages(site, Map.of("/shop.html", query -> sitePage("""
                for (let n = 0; n < 2000; n++) events.track({ run: '%s', n });
                window.tracked = true;
                """.formatted(run)), "/next.html", query -> sitePage("")));

        browser.get(origin(site) + "/shop.html");
        await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.TRUE.equals(script("return window.tracked")));
        // Away at once, while most of the events are still queued or in flight.
        browser.get(origin(site) + "/next.html");

        Pattern number = Pattern.compile("\"n\":(\\d+)");
        Function<List<String>, Map<Integer, Long>> landed = records -> records.stream()
                .filter(record -> record.contains(run))
                .map(record -> number.matcher(record))
                .filter(Matcher::find)
                .collect(Collectors.groupingBy(found -> Integer.parseInt(found.group(1)), Collectors.counting()));
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(landed.apply(sink.records())).hasSize(2000));
        Map<Integer, Long> counts = landed.apply(sink.records());
        assertThat(counts.keySet()).allMatch(n -> n >= 0 && n < 2000);
        assertThat(counts)
                .allSatisfy((n, times) -> assertThat(times).as("event %d", n).isEqualTo(1L));
    }

    @Test
    void aRefusedBatchIsNeverSentAgainAndABusyOneIsAfterItsRetryAfter() {
        // A stand-in for the gateway, to answer what the real one rarely does on demand.
        HttpServer answers = pageServer();
        try {
            Map<String, List<String>> bodies = new ConcurrentHashMap<>();
            answers.createContext("/", exchange -> {
                String path = exchange.getRequestURI().getPath();
                List<String> seen = bodies.computeIfAbsent(path, any -> new CopyOnWriteArrayList<>());
                seen.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin(site));
                exchange.getResponseHeaders().set("Access-Control-Expose-Headers", "Retry-After");
                int status = path.contains("/refused/") ? 400 : seen.size() == 1 ? 503 : 202;
                if (status == 503) {
                    // Longer than the tracker's first backoff, so a 400 sent again would show first.
                    exchange.getResponseHeaders().set("Retry-After", "2");
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            pages(site, Map.of("/answers.html", query -> page("""
                    import { tracker } from '%1$s/tracker.js';
                    for (const stream of ['refused', 'busy']) {
                      const events = tracker({ gateway: '%2$s', key: '%3$s', stream, every: 50 });
                      events.track({ stream });
                      events.flush();
                    }
                    """.formatted(gateway(), origin(answers), KEY))));

            browser.get(origin(site) + "/answers.html");

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> bodies.getOrDefault("/streams/busy/events", List.of())
                                    .size()
                            >= 2);
            List<String> busy = bodies.get("/streams/busy/events");
            assertThat(busy).hasSize(2);
            assertThat(busy.get(1)).as("the same event, with its id").isEqualTo(busy.get(0));
            assertThat(bodies.get("/streams/refused/events")).hasSize(1);
        } finally {
            answers.stop(0);
        }
    }

    private Object script(String code) {
        return ((JavascriptExecutor) browser).executeScript(code);
    }

    /** {@code gateway_beacon_requests_total} of the key's requests refused as forbidden. */
    private static double refused(GatewayHttp http) {
        Matcher sample = Pattern.compile(
                        "^gateway_beacon_requests_total\\{key=\"site\",outcome=\"refused\",reason=\"forbidden\"} (\\S+)$",
                        Pattern.MULTILINE)
                .matcher(http.get("/actuator/prometheus").body());
        return sample.find() ? Double.parseDouble(sample.group(1)) : 0.0;
    }

    private String gateway() {
        return "http://localhost:" + gatewayPort;
    }

    /** A page of the site the key lists, with the tracker as {@code events}, then {@code module}. */
    private String sitePage(String module) {
        return page("""
                import { tracker } from '%1$s/tracker.js';
                const events = tracker({ gateway: '%1$s', key: '%2$s', stream: 'clicks' });
                """.formatted(gateway(), KEY) + module);
    }

    /** Another site that copied the key: it tries all three ways a page can send. */
    private String otherSitesPage(String query) {
        return page("""
                const run = new URLSearchParams(location.search).get('run');
                const url = '%1$s/streams/clicks/events?key=%2$s';
                const event = (how) => JSON.stringify({ run, how });
                window.fetchFailed = false;
                const fetched = fetch(url, { method: 'POST', body: event('fetch'),
                    headers: { 'Content-Type': 'text/plain;charset=UTF-8' } })
                  .catch(() => { window.fetchFailed = true; });
                navigator.sendBeacon(url, event('beacon'));
                const pixel = new Image();
                const drawn = new Promise((done) => { pixel.onload = done; pixel.onerror = done; });
                pixel.src = '%1$s/streams/clicks/pixel?key=%2$s&e=' + encodeURIComponent(event('pixel'));
                Promise.all([fetched, drawn]).then(() => { window.done = true; });
                """.formatted(gateway(), KEY));
    }

    private static String page(String module) {
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>page</title></head><body>"
                + "<script type=\"module\">\n" + module + "</script></body></html>";
    }

    private static HttpServer pageServer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pages(HttpServer server, Map<String, Function<String, String>> pages) {
        Map<String, Function<String, String>> byPath = new HashMap<>(pages);
        try {
            server.removeContext("/");
        } catch (IllegalArgumentException e) {
            // None yet: the first test to run sets it.
        }
        server.createContext("/", exchange -> {
            Function<String, String> page = byPath.get(exchange.getRequestURI().getPath());
            byte[] body = page == null
                    ? new byte[0]
                    : page.apply(exchange.getRequestURI().getQuery()).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(page == null ? 404 : 200, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    private static String origin(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static Path onPath(String... names) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : names) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
