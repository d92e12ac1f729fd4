package io.firehosegateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.GatewayProcess;
import io.firehosegateway.support.RawHttpUpload;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the image's runtime, Java 25, stalled uploads never hold up other clients: requests run on
 * virtual threads, so 400 bodies waiting for bytes that do not come leave every other request its
 * own thread. The gateway runs as a process on the Temurin 25 JDK of the machine; without one the
 * test is skipped, saying why.
 */
class SlowClientsIntegrationTests {

    private static final int STALLED = 400;
    private static final int ORDINARY = 50;

    @TempDir
    Path directory;

    @Test
    void fourHundredStalledUploadsDelayNoOrdinaryRequestOnJava25() throws Exception {
        Optional<Path> java25 = java25();
        Assumptions.assumeTrue(java25.isPresent(), "Skipped: no JDK 25 under /usr/lib/jvm or JAVA25_HOME");
        Path log = directory.resolve("gateway.log");
        List<RawHttpUpload> stalled = new ArrayList<>();
        try (GatewayProcess gateway = GatewayProcess.start(
                java25.get().resolve("bin/java").toString(),
                Map.of(
                        "gateway.local.directory", directory.resolve("data").toString(),
                        // Longer than the test: what it shows is not the timeout cutting the stalls.
                        "gateway.limits.body-read-timeout", "120s",
                        "gateway.limits.body-read-deadline", "120s"),
                log)) {
            int port = gateway.uri("/").getPort();
            for (int i = 0; i < STALLED; i++) {
                RawHttpUpload upload = RawHttpUpload.start(port, "/events", 1_000_000);
                upload.send("[{\"stalled\":" + i + "},");
                stalled.add(upload);
            }

            // Each ordinary request may take 10 s, far more than it needs and far less than the stalls last.
            HttpClient http = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<String>>> ordinary = new ArrayList<>();
            for (int i = 0; i < ORDINARY; i++) {
                ordinary.add(http.sendAsync(
                        HttpRequest.newBuilder(gateway.uri("/events"))
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"ordinary\":" + i + "}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> response : ordinary) {
                statuses.add(response.handle((answer, failure) -> failure == null ? answer.statusCode() : -1)
                        .get());
            }
            assertThat(statuses)
                    .as("ordinary requests' statuses, -1 for none in 10 s")
                    .containsOnly(200);
            assertThat(stalled).as("the stalled uploads are still waiting").noneMatch(RawHttpUpload::answered);
        } finally {
            stalled.forEach(RawHttpUpload::close);
        }
    }

    /** A JDK 25: {@code JAVA25_HOME}, else the newest 25 under /usr/lib/jvm. */
    private static Optional<Path> java25() throws IOException {
        String configured = System.getenv("JAVA25_HOME");
        if (configured != null && Files.isExecutable(Path.of(configured, "bin", "java"))) {
            return Optional.of(Path.of(configured));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> home.getFileName().toString().matches(".*-25(\\D.*)?"))
                    .filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .sorted()
                    .reduce((first, second) -> second);
        }
    }
}
