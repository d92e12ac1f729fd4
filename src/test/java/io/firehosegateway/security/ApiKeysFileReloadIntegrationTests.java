package io.firehosegateway.security;

import static io.firehosegateway.security.GatewayHttp.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.support.RecordingSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Keys rotate without a restart: the keys file is laid out as Kubernetes mounts a secret (the file a
 * symbolic link into {@code ..data}, itself a link swapped to a new directory on each update), and a
 * new version takes effect within the check interval. A broken version is reported and ignored.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"gateway.sink=firehose", "gateway.security.keys-file-check-interval=100ms"})
@Import(RecordingSink.Configuration.class)
class ApiKeysFileReloadIntegrationTests {

    private static final String FIRST = "first-key-aaaaaaaaaaaaaaaa";
    private static final String SECOND = "second-key-bbbbbbbbbbbbbbbb";
    private static final AtomicInteger versions = new AtomicInteger();
    private static Path secret;

    @LocalServerPort
    int port;

    GatewayHttp http;

    @DynamicPropertySource
    static void keysFile(DynamicPropertyRegistry registry) throws IOException {
        secret = Files.createTempDirectory("api-keys-secret");
        update("writer:" + FIRST + "\n");
        Files.createSymbolicLink(secret.resolve("keys"), Path.of("..data", "keys"));
        registry.add("gateway.security.keys-file", () -> secret.resolve("keys").toString());
    }

    @BeforeEach
    void startFromTheFirstKey() throws IOException {
        http = new GatewayHttp(port);
        update("writer:" + FIRST + "\n");
        awaitAccepted(FIRST);
    }

    @Test
    void aNewVersionOfTheFileReplacesTheKeysWithoutARestart() throws IOException {
        update("# rotated\nwriter:" + SECOND + "\n");

        awaitAccepted(SECOND);
        assertThat(status(FIRST)).isEqualTo(401);
    }

    @Test
    void bothKeysWorkWhileAKeyIsBeingRotated() throws IOException {
        update("writer:" + FIRST + "\nwriter-next:" + SECOND + "\n");

        awaitAccepted(SECOND);
        assertThat(status(FIRST)).isEqualTo(200);
    }

    @Test
    void aBrokenVersionIsReportedAndTheKeysInUseStay(CapturedOutput output) throws IOException {
        update("writer " + SECOND + "\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> output.getOut().contains("is invalid (Line 1"));
        assertThat(status(FIRST)).isEqualTo(200);
        assertThat(status(SECOND)).isEqualTo(401);
        assertThat(output.getAll()).doesNotContain(SECOND);
    }

    @Test
    void healthShowsTheFileStaleWhileAVersionIsRefused() throws IOException {
        // A broken version left by another test may still be the last one seen.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> keysFileHealth().path("status").asString().equals("UP"));

        update("writer " + SECOND + "\n");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> keysFileHealth().path("status").asString().equals("DOWN"));
        JsonNode details = keysFileHealth().path("details");
        assertThat(details.path("stale").asBoolean()).isTrue();
        assertThat(details.path("problem").asString()).contains("Line 1");
        assertThat(details.toString()).doesNotContain(SECOND).doesNotContain(secret.toString());

        update("writer:" + FIRST + "\n");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> keysFileHealth().path("status").asString().equals("UP"));
    }

    private JsonNode keysFileHealth() {
        return GatewayHttp.body(http.get("/actuator/health", bearer(FIRST)))
                .path("components")
                .path("apiKeysFile");
    }

    @Test
    void theFileSetsStreamsAndTheGeneratorRight() throws IOException {
        update("writer:" + FIRST + ":audit\nloadtest:" + SECOND + "::generator\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> status(SECOND) == 200);
        assertThat(status(FIRST)).isEqualTo(403);
        assertThat(http.send("POST", "/events/generate?count=1", null, bearer(SECOND))
                        .statusCode())
                .isEqualTo(202);
        assertThat(http.send("POST", "/events/generate?count=1", null, bearer(FIRST))
                        .statusCode())
                .isEqualTo(403);
    }

    private int status(String key) {
        return http.post("/events", "{\"a\":1}", bearer(key)).statusCode();
    }

    private void awaitAccepted(String key) {
        await().atMost(Duration.ofSeconds(10)).until(() -> status(key) == 200);
    }

    /** Writes a new version of the secret the way the kubelet does: a new directory, then a link swap. */
    private static void update(String content) throws IOException {
        String version = "..v" + versions.incrementAndGet();
        Files.createDirectory(secret.resolve(version));
        Files.writeString(secret.resolve(version).resolve("keys"), content);
        Path next = secret.resolve("..data_tmp");
        Files.createSymbolicLink(next, Path.of(version));
        Files.move(next, secret.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    }
}
