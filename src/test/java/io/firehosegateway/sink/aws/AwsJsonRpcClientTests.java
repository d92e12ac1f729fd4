package io.firehosegateway.sink.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.RecordingHttpClient;
import io.firehosegateway.support.RecordingHttpClient.Answer;
import io.firehosegateway.support.RecordingHttpClient.Recorded;
import io.firehosegateway.support.SettableClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.IdentityProvider;
import software.amazon.awssdk.identity.spi.ResolveIdentityRequest;

/**
 * What the client keeps from one call to the next (the parsed endpoint, the fixed headers, the
 * signing clock) against what must change with every call: each signature checked here by a SigV4
 * computed apart from the SDK's signer and its key cache, for the day and the credentials of its
 * own call.
 */
class AwsJsonRpcClientTests {

    private static final URI ENDPOINT = URI.create("http://127.0.0.1:4573");
    private static final AwsJsonRpcClient.Protocol PROTOCOL = new AwsJsonRpcClient.Protocol(
            "firehose", "Firehose", "application/x-amz-json-1.1", "Firehose_20150804", false);
    private static final AwsCredentialsIdentity FIRST =
            AwsCredentialsIdentity.create("AKIDFIRST", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYFIRSTKEY");
    private static final AwsCredentialsIdentity SECOND =
            AwsCredentialsIdentity.create("AKIDSECOND", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECONDKEY");

    private final RecordingHttpClient http =
            new RecordingHttpClient(call -> Answer.of(200, "{}", Map.of("Content-Type", List.of("application/json"))));
    private final SettableClock clock = new SettableClock(Instant.parse("2026-12-07T23:59:59Z"));
    private final List<AwsJsonRpcClient> clients = new ArrayList<>();

    @AfterEach
    void close() {
        clients.forEach(AwsJsonRpcClient::close);
    }

    @Test
    void aCallAfterMidnightIsSignedWithTheNewDaysKey() {
        AwsJsonRpcClient client = client(StaticCredentialsProvider.create(
                AwsBasicCredentials.create(FIRST.accessKeyId(), FIRST.secretAccessKey())));
        call(client, "PutRecordBatch", "{\"DeliveryStreamName\":\"a\",\"Records\":[]}");
        clock.set(Instant.parse("2026-12-08T00:00:01Z"));
        call(client, "PutRecordBatch", "{\"DeliveryStreamName\":\"b\",\"Records\":[]}");

        List<Recorded> calls = http.recorded();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).header("Authorization")).contains("/20261207/us-east-1/firehose/aws4_request");
        assertThat(calls.get(1).header("Authorization")).contains("/20261208/us-east-1/firehose/aws4_request");
        for (Recorded call : calls) {
            assertThat(signature(call))
                    .isEqualTo(SigV4.signature(call, FIRST.secretAccessKey(), "us-east-1", "firehose"));
        }
    }

    @Test
    void credentialsAreResolvedForEveryCallSoARefreshSignsTheNext() {
        AtomicInteger resolved = new AtomicInteger();
        IdentityProvider<AwsCredentialsIdentity> rotating = new IdentityProvider<>() {
            @Override
            public Class<AwsCredentialsIdentity> identityType() {
                return AwsCredentialsIdentity.class;
            }

            @Override
            public CompletableFuture<AwsCredentialsIdentity> resolveIdentity(ResolveIdentityRequest request) {
                return CompletableFuture.completedFuture(resolved.getAndIncrement() == 0 ? FIRST : SECOND);
            }
        };
        AwsJsonRpcClient client = client(rotating);
        call(client, "PutRecordBatch", "{\"Records\":[]}");
        call(client, "PutRecordBatch", "{\"Records\":[]}");

        List<Recorded> calls = http.recorded();
        assertThat(calls.get(0).header("Authorization")).contains("Credential=AKIDFIRST/");
        assertThat(calls.get(1).header("Authorization")).contains("Credential=AKIDSECOND/");
        assertThat(signature(calls.get(0)))
                .isEqualTo(SigV4.signature(calls.get(0), FIRST.secretAccessKey(), "us-east-1", "firehose"));
        assertThat(signature(calls.get(1)))
                .isEqualTo(SigV4.signature(calls.get(1), SECOND.secretAccessKey(), "us-east-1", "firehose"));
    }

    @Test
    void everyCallHasItsOwnInvocationIdLengthAndTargetThoughTheRestIsShared() {
        AwsJsonRpcClient client = client(StaticCredentialsProvider.create(
                AwsBasicCredentials.create(FIRST.accessKeyId(), FIRST.secretAccessKey())));
        call(client, "PutRecordBatch", "{}");
        call(client, "PutRecordBatch", "{\"Records\":[1]}");
        call(client, "DescribeDeliveryStream", "{}");

        List<Recorded> calls = http.recorded();
        assertThat(calls.stream().map(call -> call.header("amz-sdk-invocation-id")))
                .doesNotHaveDuplicates();
        assertThat(calls.stream().map(call -> call.header("Content-Length"))).containsExactly("2", "15", "2");
        assertThat(calls.stream().map(call -> call.header("X-Amz-Target")))
                .containsExactly(
                        "Firehose_20150804.PutRecordBatch",
                        "Firehose_20150804.PutRecordBatch",
                        "Firehose_20150804.DescribeDeliveryStream");
        for (Recorded call : calls) {
            assertThat(call.header("amz-sdk-request")).isEqualTo("attempt=1; max=1");
            assertThat(call.header("Content-Type")).isEqualTo("application/x-amz-json-1.1");
            assertThat(call.request().getUri()).isEqualTo(URI.create("http://127.0.0.1:4573/"));
            assertThat(signature(call))
                    .isEqualTo(SigV4.signature(call, FIRST.secretAccessKey(), "us-east-1", "firehose"));
        }
    }

    private AwsJsonRpcClient client(IdentityProvider<? extends AwsCredentialsIdentity> credentials) {
        AwsJsonRpcClient client = new AwsJsonRpcClient(
                http,
                credentials,
                "us-east-1",
                ENDPOINT,
                PROTOCOL,
                Duration.ofSeconds(30),
                code -> AwsServiceException.builder(),
                clock,
                new InvocationIds());
        clients.add(client);
        return client;
    }

    private static void call(AwsJsonRpcClient client, String operation, String body) {
        client.call(operation, body.getBytes(StandardCharsets.UTF_8), answer -> answer)
                .join();
    }

    private static String signature(Recorded call) {
        String authorization = call.header("Authorization");
        return authorization.substring(authorization.indexOf("Signature=") + 10);
    }

    /** SigV4 as its specification spells it, for a POST to {@code /} with no query: no SDK code, no cache. */
    private static final class SigV4 {

        static String signature(Recorded call, String secret, String region, String service) {
            String authorization = call.header("Authorization");
            String signedHeaders = authorization.substring(
                    authorization.indexOf("SignedHeaders=") + 14, authorization.indexOf(", Signature"));
            StringBuilder canonical = new StringBuilder("POST\n/\n\n");
            for (String name : signedHeaders.split(";")) {
                canonical
                        .append(name)
                        .append(':')
                        .append(String.join(",", call.request().matchingHeaders(name))
                                .trim())
                        .append('\n');
            }
            canonical.append('\n').append(signedHeaders).append('\n').append(hex(sha256(call.body())));
            String dateTime = call.header("X-Amz-Date");
            String date = dateTime.substring(0, 8);
            String scope = date + "/" + region + "/" + service + "/aws4_request";
            String toSign = "AWS4-HMAC-SHA256\n" + dateTime + "\n" + scope + "\n"
                    + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
            byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
            key = hmac(key, region);
            key = hmac(key, service);
            key = hmac(key, "aws4_request");
            return hex(hmac(key, toSign));
        }

        private static byte[] sha256(byte[] bytes) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(bytes);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static byte[] hmac(byte[] key, String text) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private static String hex(byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
    }
}
