package io.firehosegateway.support;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Firehose emulator for integration tests: moto's server, over HTTP.
 *
 * <p>Uses the one at {@code MOTO_ENDPOINT} when set (CI starts it), else starts {@code moto_server}
 * from the PATH once per test JVM. Without either, the calling test is skipped with a message that
 * says why, rather than passing unseen.
 */
public final class MotoServer {

    private static URI endpoint;
    private static String skipReason;

    private MotoServer() {}

    /** The emulator's endpoint; aborts (skips) the calling test when no emulator can be had. */
    public static synchronized URI endpoint() {
        if (endpoint == null && skipReason == null) {
            locateOrStart();
        }
        Assumptions.assumeTrue(skipReason == null, () -> "Skipped: " + skipReason);
        return endpoint;
    }

    private static void locateOrStart() {
        String configured = System.getenv("MOTO_ENDPOINT");
        if (configured != null && !configured.isBlank()) {
            endpoint = URI.create(configured.trim());
            if (!waitUntilUp(endpoint, Duration.ofSeconds(10))) {
                skipReason = "MOTO_ENDPOINT=" + configured + " does not answer";
                endpoint = null;
            }
            return;
        }
        Path executable = findOnPath("moto_server");
        if (executable == null) {
            skipReason = "moto_server is not installed (pip install \"moto[server]\") and MOTO_ENDPOINT is not set";
            return;
        }
        try {
            int port = freePort();
            Path log = Files.createTempFile("moto-server", ".log");
            Process process = new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                process.destroy();
                try {
                    process.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            URI started = URI.create("http://127.0.0.1:" + port);
            if (!waitUntilUp(started, Duration.ofSeconds(30))) {
                skipReason = "moto_server did not start within 30 s; see " + log;
                process.destroy();
                return;
            }
            endpoint = started;
        } catch (IOException e) {
            skipReason = "could not start moto_server: " + e.getMessage();
        }
    }

    /** A port free now on the loopback interface. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static Path findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static boolean waitUntilUp(URI uri, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpURLConnection connection =
                        (HttpURLConnection) uri.resolve("/moto-api/").toURL().openConnection();
                connection.setConnectTimeout(500);
                connection.setReadTimeout(2000);
                int status = connection.getResponseCode();
                connection.disconnect();
                if (status > 0) {
                    return true;
                }
            } catch (IOException e) {
                // not up yet
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
