package io.firehosegateway.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.GatewayProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways on one journal directory, as a volume shared by mistake makes them: the second does
 * not start, says why and which directory, and the first goes on undisturbed.
 */
class JournalDirectoryLockIntegrationTests {

    /** Kept when the test fails: the gateways' logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path work;

    @Test
    void aSecondGatewayOnTheSameJournalDirectoryRefusesToStart() throws Exception {
        Path journal = work.resolve("journal");
        Map<String, String> settings = Map.of(
                "gateway.sink", "local",
                "gateway.local.directory", work.resolve("data").toString(),
                "gateway.delivery.mode", "journaled",
                "gateway.journal.directory", journal.toString(),
                "gateway.delivery.dead-letter-directory",
                        work.resolve("dead-letter").toString());
        Path firstLog = work.resolve("first.log");
        Path secondLog = work.resolve("second.log");

        try (GatewayProcess first = GatewayProcess.start(settings, firstLog)) {
            int exit = GatewayProcess.startExpectingExit(settings, secondLog, Duration.ofSeconds(90));

            assertThat(exit).isNotZero();
            assertThat(Files.readString(secondLog))
                    .contains(
                            "The journal directory " + journal.toAbsolutePath().normalize())
                    .contains("is in use by another gateway");
            HttpResponse<String> accepted = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(first.uri("/events"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"still-mine\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).isEqualTo(202);
        }
    }
}
