package io.firehosegateway.sink.firehose;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.firehosegateway.support.FirehoseEmulator;
import io.firehosegateway.support.MotoServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;

/**
 * The two ways the Kubernetes manifests ({@code ops/k8s}) give the gateway AWS credentials without
 * static keys, through the providers of the SDK's default chain that the Firehose client uses: IRSA
 * (a web identity token exchanged with STS, here moto's) and EKS Pod Identity (the container
 * credentials endpoint, here a local stand-in). Each provider is configured as EKS configures the pod,
 * through the settings its webhook injects ({@code AWS_WEB_IDENTITY_TOKEN_FILE}, {@code AWS_ROLE_ARN};
 * {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}, {@code AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}), given
 * here as the equivalent system properties.
 */
class WorkloadIdentityIntegrationTests {

    @TempDir
    Path directory;

    @Test
    void irsaExchangesTheServiceAccountTokenForCredentials() throws IOException {
        String sts = MotoServer.endpoint().toString();
        Path token = Files.writeString(directory.resolve("token"), "eyJhbGciOiJSUzI1NiJ9.service-account.token");

        AwsCredentials credentials = withSystemProperties(
                Map.of(
                        "aws.webIdentityTokenFile",
                        token.toString(),
                        "aws.roleArn",
                        "arn:aws:iam::123456789012:role/firehose-gateway",
                        "aws.roleSessionName",
                        "firehose-gateway-0",
                        "aws.endpointUrlSts",
                        sts,
                        "aws.region",
                        FirehoseEmulator.REGION),
                () -> {
                    try (WebIdentityTokenFileCredentialsProvider provider =
                            WebIdentityTokenFileCredentialsProvider.create()) {
                        return provider.resolveCredentials();
                    }
                });

        assertThat(credentials).isInstanceOf(AwsSessionCredentials.class);
        assertThat(credentials.accessKeyId()).isNotBlank();
        assertThat(((AwsSessionCredentials) credentials).sessionToken()).isNotBlank();
    }

    @Test
    void podIdentityReadsTheAgentsCredentialsWithThePodsToken() throws IOException {
        Path token = Files.writeString(directory.resolve("eks-pod-identity-token"), "pod-identity-token");
        AtomicReference<String> authorization = new AtomicReference<>();
        HttpServer agent = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        agent.createContext("/v1/credentials", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = """
                    {"AccessKeyId":"pod-identity-key","SecretAccessKey":"pod-identity-secret",
                     "Token":"pod-identity-session","Expiration":"2099-01-01T00:00:00Z"}
                    """.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        agent.start();
        try {
            String uri = "http://127.0.0.1:" + agent.getAddress().getPort() + "/v1/credentials";

            AwsCredentials credentials = withSystemProperties(
                    Map.of(
                            "aws.containerCredentialsFullUri",
                            uri,
                            "aws.containerAuthorizationTokenFile",
                            token.toString()),
                    () -> {
                        try (ContainerCredentialsProvider provider =
                                ContainerCredentialsProvider.builder().build()) {
                            return provider.resolveCredentials();
                        }
                    });

            assertThat(credentials.accessKeyId()).isEqualTo("pod-identity-key");
            assertThat(((AwsSessionCredentials) credentials).sessionToken()).isEqualTo("pod-identity-session");
            assertThat(authorization.get()).isEqualTo("pod-identity-token");
        } finally {
            agent.stop(0);
        }
    }

    private interface Resolution {
        AwsCredentials resolve();
    }

    /** Sets system properties for one resolution and restores what was there. */
    private static AwsCredentials withSystemProperties(Map<String, String> properties, Resolution resolution) {
        Map<String, String> before = new HashMap<>();
        properties.keySet().forEach(key -> before.put(key, System.getProperty(key)));
        properties.forEach(System::setProperty);
        try {
            return resolution.resolve();
        } finally {
            before.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
    }
}
