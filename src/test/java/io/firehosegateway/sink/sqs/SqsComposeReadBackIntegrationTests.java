package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.MotoServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What compose does for SQS, without compose (no Docker here): {@code ops/init-sqs.sh} creates the
 * queues on the moto_server CI runs, a gateway routes the stream {@code jobs} to the standard one as
 * {@code docker-compose.yml} does, and the README's read-back lines (the block after
 * {@code <!-- ci: sqs read-back -->}) are run as written, only the hosts and the queue's name
 * changed to this run's. Needs the AWS CLI and curl: skipped, saying so, without them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SqsComposeReadBackIntegrationTests {

    private static final String MARKER = "<!-- ci: sqs read-back -->";
    private static String jobsQueue;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void compose(DynamicPropertyRegistry registry) throws Exception {
        String moto = MotoServer.endpoint().toString();
        Assumptions.assumeTrue(runs("aws", "--version"), "the AWS CLI is not installed (pip install awscli)");
        Assumptions.assumeTrue(runs("curl", "--version"), "curl is not installed");
        String suffix = Long.toHexString(System.nanoTime());
        jobsQueue = "gateway-jobs-" + suffix;
        Output init = run(
                List.of("sh", "ops/init-sqs.sh"),
                List.of(
                        "ENDPOINT=" + moto,
                        "JOBS_QUEUE=" + jobsQueue,
                        "ORDERS_QUEUE=gateway-orders-" + suffix + ".fifo",
                        "AWS_ACCESS_KEY_ID=test",
                        "AWS_SECRET_ACCESS_KEY=test",
                        "AWS_DEFAULT_REGION=us-east-1"));
        assertThat(init.exit()).as(init.text()).isZero();
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        registry.add("gateway.sqs.endpoint", () -> moto);
        registry.add("gateway.aws.region", () -> "us-east-1");
        registry.add("gateway.streams.jobs.sink", () -> "sqs");
        registry.add("gateway.streams.jobs.destination", () -> jobsQueue);
    }

    @Test
    void theReadmesReadBackLinesShowTheEventWithItsIdAndStream() throws Exception {
        String moto = MotoServer.endpoint().toString();
        List<String> lines = readBackLines();
        assertThat(lines).hasSize(2);

        StringBuilder output = new StringBuilder();
        for (String line : lines) {
            String command = line.replace("http://localhost:5000", moto)
                    .replace("localhost:8080", "localhost:" + port)
                    .replace("gateway-jobs", jobsQueue);
            Output result = run(List.of("sh", "-c", command), List.of());
            assertThat(result.exit()).as(command + "\n" + result.text()).isZero();
            output.append(result.text());
        }

        assertThat(output.toString()).contains("{\"id\":\"job-1\",\"task\":\"resize\"}\tjob-1\tjobs");
    }

    private static List<String> readBackLines() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf(MARKER);
        assertThat(start).as("README.md has the block " + MARKER).isNotNegative();
        List<String> lines = new ArrayList<>();
        for (int i = start + 2; i < readme.size() && !readme.get(i).startsWith("```"); i++) {
            if (!readme.get(i).isBlank() && !readme.get(i).startsWith("#")) {
                lines.add(readme.get(i));
            }
        }
        return lines;
    }

    private record Output(int exit, String text) {}

    private static boolean runs(String... command) {
        try {
            return run(List.of(command), List.of()).exit() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static Output run(List<String> command, List<String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        for (String variable : environment) {
            int equals = variable.indexOf('=');
            builder.environment().put(variable.substring(0, equals), variable.substring(equals + 1));
        }
        Process process = builder.start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Output(-1, text + "\n(timed out)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new Output(process.exitValue(), text);
    }
}
