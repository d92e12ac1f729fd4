package io.firehosegateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The one page the gateway serves, Swagger UI, as a person sees it: headless Chromium loads it,
 * runs its JavaScript against the gateway's OpenAPI document, and the operations must be on the
 * rendered page. Skipped where Chromium is not installed (CI installs it).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SwaggerUiBrowserIntegrationTests {

    @TempDir
    static Path work;

    @LocalServerPort
    int port;

    private Path chromium;

    @DynamicPropertySource
    static void localSink(DynamicPropertyRegistry registry) {
        registry.add("gateway.local.directory", () -> work.resolve("data").toString());
    }

    @BeforeEach
    void findChromium() {
        chromium = onPath("chromium", "chromium-browser", "google-chrome");
        Assumptions.assumeTrue(chromium != null, "Skipped: no chromium on the PATH (apt-get install chromium)");
    }

    @Test
    void swaggerUiRendersEveryOperationOfTheGateway() throws Exception {
        Path screenshot = work.resolve("swagger-ui.png");
        String dom = run("--dump-dom", "http://localhost:" + port + "/swagger-ui/index.html");
        run(
                "--screenshot=" + screenshot,
                "--window-size=1280,1600",
                "http://localhost:" + port + "/swagger-ui/index.html");

        // Rendered by Swagger UI's JavaScript from /v3/api-docs: absent from the static HTML.
        assertThat(dom).contains("opblock-summary-path");
        assertThat(dom)
                .contains("data-path=\"/events\"")
                .contains("data-path=\"/streams/{stream}/events\"")
                .contains("data-path=\"/events/generate\"")
                .contains("data-path=\"/events/generate/{id}\"");
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    private String run(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(work, "profile"),
                // Time for the page's scripts to fetch the API document and render it.
                "--virtual-time-budget=15000"));
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile(work, "chromium", ".out");
        Process process = new ProcessBuilder(command)
                .redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(process.waitFor(90, TimeUnit.SECONDS))
                .as("chromium finished")
                .isTrue();
        return Files.readString(output, StandardCharsets.UTF_8);
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
