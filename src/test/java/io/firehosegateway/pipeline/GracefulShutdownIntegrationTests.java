package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.GatewayProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM, as an orchestrator sends it: the gateway stops taking requests, delivers what it holds
 * (here a batch waiting out a one-minute linger), and only then exits.
 */
class GracefulShutdownIntegrationTests {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void sigtermDeliversWhatIsHeldBeforeTheProcessExits() throws Exception {
        Path data = work.resolve("data");
        GatewayProcess gateway = GatewayProcess.start(
                Map.of(
                        "gateway.delivery.mode", "buffered",
                        "gateway.delivery.linger", "1m",
                        "gateway.delivery.send-when-idle", "false",
                        "gateway.local.directory", data.toString()),
                work.resolve("gateway.log"));
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(gateway.uri("/events"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "[{\"id\":\"held-1\"},{\"id\":\"held-2\"},{\"id\":\"held-3\"}]"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(202);
        // The linger holds the batch: nothing is written before the shutdown.
        assertThat(lines(data)).isEmpty();

        gateway.close();

        assertThat(lines(data)).containsExactly("{\"id\":\"held-1\"}", "{\"id\":\"held-2\"}", "{\"id\":\"held-3\"}");
    }

    private static List<String> lines(Path data) throws Exception {
        if (!Files.exists(data)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !file.getFileName().toString().startsWith("."))
                    .flatMap(file -> {
                        try {
                            return Files.readAllLines(file).stream();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
    }
}
