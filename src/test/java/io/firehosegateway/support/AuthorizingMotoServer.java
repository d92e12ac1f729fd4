package io.firehosegateway.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;

/**
 * A moto_server of the calling test's own that checks every request against IAM, as AWS does:
 * started with {@code INITIAL_NO_AUTH_ACTION_COUNT=0}, so a request passes only when signed with
 * the keys of a moto IAM user whose policies allow its action. {@link #allowEverything()} lifts the
 * check to set things up (moto's {@code /moto-api/reset-auth}); {@link #enforce()} turns it on again.
 *
 * <p>What moto 5.2 checks: the action, for every service; the resource only for S3, SQS, IAM and
 * STS. For Firehose and Kinesis it matches a policy's statements against the resource {@code *}, so
 * a statement scoped to a stream's ARN never matches there.
 */
public final class AuthorizingMotoServer implements AutoCloseable {

    private final URI endpoint;
    private final Process process;
    private final HttpClient http = HttpClient.newHttpClient();

    private AuthorizingMotoServer(URI endpoint, Process process) {
        this.endpoint = endpoint;
        this.process = process;
    }

    /** Starts one; skips the calling test when moto_server is not installed. */
    public static AuthorizingMotoServer start() throws IOException {
        Path executable = MotoServer.findOnPath("moto_server");
        Assumptions.assumeTrue(
                executable != null, "Skipped: moto_server is not installed (pip install \"moto[server]\")");
        int port = MotoServer.freePort();
        Path log = Files.createTempFile("moto-server-authorizing", ".log");
        ProcessBuilder builder = new ProcessBuilder(
                        executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("INITIAL_NO_AUTH_ACTION_COUNT", "0");
        Process process = builder.start();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        if (!MotoServer.waitUntilUp(endpoint, Duration.ofSeconds(30))) {
            process.destroy();
            throw new IllegalStateException("moto_server did not start within 30 s; see " + log);
        }
        return new AuthorizingMotoServer(endpoint, process);
    }

    public URI endpoint() {
        return endpoint;
    }

    /**
     * Creates an IAM user with one policy of {@code policy}'s statements and answers its keys; made
     * while {@link #allowEverything()} holds.
     */
    public AccessKey userWith(String name, String policy) {
        try (IamClient iam = IamClient.builder()
                .endpointOverride(endpoint)
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(credentials(FirehoseEmulator.ACCESS_KEY, FirehoseEmulator.SECRET_KEY))
                .build()) {
            iam.createUser(request -> request.userName(name));
            String arn = iam.createPolicy(
                            request -> request.policyName(name + "-policy").policyDocument(policy))
                    .policy()
                    .arn();
            iam.attachUserPolicy(request -> request.userName(name).policyArn(arn));
            return iam.createAccessKey(request -> request.userName(name)).accessKey();
        }
    }

    public static StaticCredentialsProvider credentials(String id, String secret) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret));
    }

    /** Lets every request through, signed or not, until {@link #enforce()}. */
    public void allowEverything() throws IOException, InterruptedException {
        resetAuth("inf");
    }

    /** Checks every request from now on. */
    public void enforce() throws IOException, InterruptedException {
        resetAuth("0");
    }

    private void resetAuth(String initialNoAuthActionCount) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset-auth"))
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString(initialNoAuthActionCount))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("moto refused reset-auth: " + response.body());
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
