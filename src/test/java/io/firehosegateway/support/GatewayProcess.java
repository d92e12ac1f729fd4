package io.firehosegateway.support;

import io.firehosegateway.GatewayApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * The gateway as a separate process, started from the test classpath, so a test can kill it the
 * way an orchestrator or a crash would (SIGKILL) and start it again on the same disk.
 */
public final class GatewayProcess implements AutoCloseable {

    private final int port;
    private final Process process;

    private GatewayProcess(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** Starts the gateway with {@code --key=value} arguments and waits until it is ready. */
    public static GatewayProcess start(Map<String, String> properties, Path log) throws IOException {
        return start(thisJava(), properties, log);
    }

    /**
     * Starts the gateway as {@link #start(Map, Path)} does, with {@code environment} added to its
     * environment (e.g. the AWS credentials of a user other than the emulator's default).
     */
    public static GatewayProcess start(Map<String, String> properties, Map<String, String> environment, Path log)
            throws IOException {
        int port = MotoServer.freePort();
        ProcessBuilder builder = builder(thisJava(), port, properties, log);
        builder.environment().putAll(environment);
        GatewayProcess gateway = new GatewayProcess(port, builder.start());
        return ready(gateway);
    }

    /** The gateway once it is ready; stopped if it never gets there, so it never outlives its test. */
    private static GatewayProcess ready(GatewayProcess gateway) {
        try {
            gateway.awaitReady();
        } catch (RuntimeException e) {
            gateway.process.destroyForcibly();
            throw e;
        }
        return gateway;
    }

    /** The {@code java} of the JVM running the tests. */
    private static String thisJava() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** Starts the gateway on the {@code java} of another JDK, as {@link #start(Map, Path)} does. */
    public static GatewayProcess start(String java, Map<String, String> properties, Path log) throws IOException {
        int port = MotoServer.freePort();
        GatewayProcess gateway =
                new GatewayProcess(port, builder(java, port, properties, log).start());
        return ready(gateway);
    }

    /**
     * Starts the gateway expecting it not to start: waits for the process to exit and returns its
     * exit code, or fails if it is still running after {@code timeout}.
     */
    public static int startExpectingExit(Map<String, String> properties, Path log, Duration timeout)
            throws IOException, InterruptedException {
        int port = MotoServer.freePort();
        Process process = builder(thisJava(), port, properties, log).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("the gateway process was still running after " + timeout);
        }
        return process.exitValue();
    }

    private static ProcessBuilder builder(String java, int port, Map<String, String> properties, Path log) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(GatewayApplication.class.getName());
        command.add("--server.port=" + port);
        properties.forEach((key, value) -> command.add("--" + key + "=" + value));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("AWS_ACCESS_KEY_ID", FirehoseEmulator.ACCESS_KEY);
        builder.environment().put("AWS_SECRET_ACCESS_KEY", FirehoseEmulator.SECRET_KEY);
        return builder;
    }

    private void awaitReady() {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Awaitility.await("the gateway process is ready")
                // A JVM starting Spring on 2 cores shared with other builds has taken over 90 s.
                .atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the gateway process exited with " + process.exitValue());
                    }
                    return http.send(
                                            HttpRequest.newBuilder(uri("/actuator/health/readiness"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200;
                });
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Kills the process at once, as a crash would: SIGKILL, no shutdown hooks, no drain. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
