package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.firehosebench.FakeFirehose;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.aws.AwsJsonRpcClient;
import io.firehosegateway.support.RecordingHttpClient;
import io.firehosegateway.support.RecordingHttpClient.Answer;
import io.firehosegateway.support.RecordingHttpClient.Recorded;
import io.firehosegateway.support.SettableClock;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code SendMessageBatch} the gateway builds itself against the one the SDK builds, on one
 * recording HTTP client, for the same credentials and clock: the same body bytes and signature for
 * many random batches (standard and FIFO queues, group and deduplication ids, keys mapped into SQS's
 * alphabet, non-ASCII and escaped bodies, both attributes), the same outcomes read from the same
 * answers after the same MD5 check, and the same failures from the same refusals and faults.
 */
class SqsWireTests {

    private static final URI ENDPOINT = URI.create("http://127.0.0.1:4576");
    private static final JsonMapper json = JsonMapper.builder().build();
    private static final StaticCredentialsProvider CREDENTIALS = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));

    private final RecordingHttpClient http = new RecordingHttpClient(call -> answer(call, SqsWireTests::successes));
    private final SettableClock clock = new SettableClock(Instant.now());
    private final AtomicReference<String> invocationId = new AtomicReference<>("none");
    private SqsAsyncClient client;
    private SqsSink sdk;
    private SqsSink direct;

    @BeforeEach
    void start() {
        start(Duration.ofSeconds(30));
    }

    /** Both sinks, their calls timed out after {@code attemptTimeout}: long, but where no answer is the point. */
    private void start(Duration attemptTimeout) {
        client = SqsAsyncClient.builder()
                .httpClient(http)
                .endpointOverride(ENDPOINT)
                .region(Region.EU_WEST_1)
                .credentialsProvider(CREDENTIALS)
                .overrideConfiguration(override ->
                        override.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallAttemptTimeout(attemptTimeout))
                .build();
        SqsErrorClassifier classifier = new SqsErrorClassifier();
        SqsQueues queues = new SqsQueues(client, classifier, Duration.ofSeconds(5), System::nanoTime);
        sdk = new SqsSink(client, queues, classifier);
        direct = new SqsSink(
                client,
                new AwsJsonRpcClient(
                        http,
                        CREDENTIALS,
                        "eu-west-1",
                        SqsClientConfiguration.endpoint(client.serviceClientConfiguration()),
                        SqsWire.PROTOCOL,
                        attemptTimeout,
                        SqsWire::exceptionFor,
                        clock,
                        invocationId::get),
                queues,
                classifier);
    }

    @AfterEach
    void stop() {
        direct.close();
        client.close();
    }

    @Test
    void bodiesAndSignaturesEqualTheSdksForRandomBatches() {
        Random random = new Random(24);
        List<StreamRoutes.Route> routes = List.of(
                new StreamRoutes.Route("orders", "orders", SinkKind.SQS),
                new StreamRoutes.Route("keyed", "keyed", SinkKind.SQS, true),
                new StreamRoutes.Route("fifo", "events.fifo", SinkKind.SQS, true),
                new StreamRoutes.Route("unkeyed-fifo", "plain.fifo", SinkKind.SQS));
        for (int round = 0; round < 160; round++) {
            int count = round % 3 == 0 ? 10 : 1 + random.nextInt(10);
            List<SinkRecord> records = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String id =
                        round % 5 == 0 ? "id-é-" + i + "-" + "x".repeat(random.nextInt(120)) : "id-" + round + "-" + i;
                String key = switch (random.nextInt(3)) {
                    case 0 -> id;
                    case 1 -> "user-" + random.nextInt(50);
                    default -> "ключ/" + "k".repeat(random.nextInt(200));
                };
                records.add(new SinkRecord((body(random) + "\n").getBytes(StandardCharsets.UTF_8), key, id));
            }
            assertSameCall(routes.get(round % routes.size()), records);
        }
    }

    @Test
    void answersAreReadAsTheSdkReadsThem() {
        List<SinkRecord> records = List.of(record("1"), record("2"), record("3"), record("4"));
        List<Function<JsonNode, String>> answers = List.of(
                SqsWireTests::successes,
                request -> "{\"Successful\":["
                        + FakeFirehose.sqsSuccess(request.get("Entries").get(0), "m0")
                        + "],\"Failed\":[{\"Id\":\"1\",\"SenderFault\":true,\"Code\":\"InvalidParameterValue\",\"Message\":\"bad\"},"
                        + "{\"Id\":\"2\",\"SenderFault\":false,\"Code\":\"InternalError\"},"
                        + "{\"Code\":\"KMS.DisabledException\",\"Id\":\"3\",\"SenderFault\":true,\"Message\":\"kms\"}]}",
                request ->
                        "{\"Failed\":[{\"Id\":\"0\",\"SenderFault\":false,\"Code\":\"RequestThrottled\"}],\"Successful\":["
                                + FakeFirehose.sqsSuccess(request.get("Entries").get(2), "m2") + "]}",
                request -> "{\"Successful\":[],\"Failed\":[]}");
        for (Function<JsonNode, String> answer : answers) {
            http.answer(call -> answer(call, answer));
            BatchResult bySdk = sdk.putRecords(route(), records).join();
            BatchResult byDirect = direct.putRecords(route(), records).join();
            assertThat(byDirect).isEqualTo(bySdk);
        }
    }

    @Test
    void anAnswerWhoseMd5sDoNotMatchFailsAsTheSdksCallFails() {
        http.answer(call -> answer(
                call,
                request -> successes(request)
                        .replaceFirst("\"MD5OfMessageBody\":\"[0-9a-f]", "\"MD5OfMessageBody\":\"x")));
        assertFailAlike(List.of(record("1"), record("2")));
        http.answer(call -> answer(
                call,
                request -> successes(request)
                        .replaceFirst("\"MD5OfMessageAttributes\":\"[0-9a-f]", "\"MD5OfMessageAttributes\":\"x")));
        assertFailAlike(List.of(record("1"), record("2")));
    }

    @Test
    void refusalsAndTransportFaultsFailAsTheSdksCallsFail() {
        List<Answer> faults = List.of(
                Answer.error(
                        400,
                        "{\"__type\":\"com.amazonaws.sqs#QueueDoesNotExist\",\"message\":\"gone\"}",
                        Map.of("x-amzn-query-error", List.of("AWS.SimpleQueueService.NonExistentQueue;Sender"))),
                Answer.error(
                        400,
                        "{\"__type\":\"com.amazonaws.sqs#RequestThrottled\"}",
                        Map.of("x-amzn-query-error", List.of("RequestThrottled;Sender"))),
                Answer.error(
                        400,
                        "{\"__type\":\"com.amazonaws.sqs#KmsThrottled\",\"message\":\"k\"}",
                        Map.of("x-amzn-query-error", List.of("KMS.ThrottlingException;Sender"))),
                Answer.error(
                        400,
                        "{\"__type\":\"com.amazonaws.sqs#KmsDisabled\"}",
                        Map.of("x-amzn-query-error", List.of("KMS.DisabledException;Sender"))),
                Answer.error(
                        400,
                        "{\"__type\":\"com.amazonaws.sqs#BatchRequestTooLong\"}",
                        Map.of("x-amzn-query-error", List.of("AWS.SimpleQueueService.BatchRequestTooLong;Sender"))),
                Answer.error(400, "{\"__type\":\"com.amazonaws.sqs#InvalidSecurity\"}", Map.of()),
                Answer.error(
                        403,
                        "{\"__type\":\"com.amazon.coral.service#AccessDeniedException\",\"message\":\"no\"}",
                        Map.of()),
                Answer.error(400, "{\"__type\":\"com.amazon.coral.availability#ThrottlingException\"}", Map.of()),
                Answer.error(403, "{\"__type\":\"com.amazon.coral.service#InvalidSignatureException\"}", Map.of()),
                Answer.error(
                        400,
                        "{\"__type\":\"com.amazonaws.sqs#InvalidParameterValue\"}",
                        Map.of("x-amzn-query-error", List.of("InvalidParameterValue;Sender"))),
                Answer.error(500, "{\"__type\":\"com.amazonaws.sqs#InternalError\"}", Map.of()),
                Answer.error(502, "<html>Bad Gateway</html>", Map.of()),
                Answer.error(503, "", Map.of()),
                Answer.failing(new ConnectException("Connection refused")),
                Answer.failing(new IOException("Connection reset by peer")));
        for (Answer fault : faults) {
            http.answer(call ->
                    target(call).equals("AmazonSQS.GetQueueUrl") ? answer(call, SqsWireTests::successes) : fault);
            assertFailAlike(List.of(record("1")));
        }
    }

    @Test
    void noAnswerWithinTheAttemptTimeoutFailsAsTheSdksCallFails() {
        stop();
        start(Duration.ofMillis(500));
        http.answer(call ->
                target(call).equals("AmazonSQS.GetQueueUrl") ? answer(call, SqsWireTests::successes) : Answer.never());
        assertFailAlike(List.of(record("1")));
    }

    private void assertFailAlike(List<SinkRecord> records) {
        SinkException bySdk = failure(sdk, records);
        SinkException byDirect = failure(direct, records);
        assertThat(byDirect.kind()).as(bySdk.toString()).isEqualTo(bySdk.kind());
        assertThat(byDirect.code()).as(bySdk.toString()).isEqualTo(bySdk.code());
        assertThat(byDirect.getCause()).hasSameClassAs(bySdk.getCause());
        if (bySdk.getCause() instanceof AwsServiceException refusal) {
            AwsServiceException ours = (AwsServiceException) byDirect.getCause();
            assertThat(ours.statusCode()).isEqualTo(refusal.statusCode());
            assertThat(ours.awsErrorDetails().errorCode())
                    .isEqualTo(refusal.awsErrorDetails().errorCode());
        }
    }

    private void assertSameCall(StreamRoutes.Route route, List<SinkRecord> records) {
        http.answer(call -> answer(call, SqsWireTests::successes));
        BatchResult bySdk = sdk.putRecords(route, records).join();
        Recorded sdkCall = http.last();
        clock.set(sdkCall.signedAt());
        invocationId.set(sdkCall.header("amz-sdk-invocation-id"));
        BatchResult byDirect = direct.putRecords(route, records).join();
        Recorded directCall = http.last();
        assertThat(new String(directCall.body(), StandardCharsets.UTF_8))
                .isEqualTo(new String(sdkCall.body(), StandardCharsets.UTF_8));
        assertThat(directCall.body()).isEqualTo(sdkCall.body());
        assertThat(directCall.signedHeaders()).isEqualTo(sdkCall.signedHeaders());
        assertThat(directCall.request().getUri()).isEqualTo(sdkCall.request().getUri());
        assertThat(byDirect).isEqualTo(bySdk);
    }

    private static SinkException failure(SqsSink sink, List<SinkRecord> records) {
        Throwable thrown =
                catchThrowable(() -> sink.putRecords(route(), records).join());
        assertThat(thrown).isInstanceOf(CompletionException.class).hasCauseInstanceOf(SinkException.class);
        return (SinkException) thrown.getCause();
    }

    private static String target(Recorded call) {
        return call.request().firstMatchingHeader("X-Amz-Target").orElse("");
    }

    /** A queue's URL for {@code GetQueueUrl}, else what {@code batch} answers to the request's entries. */
    private static Answer answer(Recorded call, Function<JsonNode, String> batch) {
        JsonNode request = json.readTree(call.body());
        if (target(call).equals("AmazonSQS.GetQueueUrl")) {
            return Answer.of(
                    200,
                    "{\"QueueUrl\":\"" + ENDPOINT + "/000000000000/"
                            + request.get("QueueName").asString() + "\"}",
                    new HashMap<>());
        }
        return Answer.of(200, batch.apply(request), new HashMap<>());
    }

    private static String successes(JsonNode request) {
        StringBuilder answer = new StringBuilder("{\"Successful\":[");
        int i = 0;
        for (JsonNode entry : request.get("Entries")) {
            answer.append(i == 0 ? "" : ",").append(FakeFirehose.sqsSuccess(entry, "m" + i++));
        }
        return answer.append("],\"Failed\":[]}").toString();
    }

    private static StreamRoutes.Route route() {
        return new StreamRoutes.Route("orders", "orders", SinkKind.SQS);
    }

    private static SinkRecord record(String data) {
        return SinkRecord.of(("{\"n\":\"" + data + "\"}\n").getBytes(StandardCharsets.UTF_8), "id-" + data);
    }

    /** An event body with what SQS bodies meet: non-ASCII, quotes, backslashes and control characters. */
    private static String body(Random random) {
        String[] parts = {
            "plain", "Zoë", "🚀", "\\\"quoted\\\"", "\\\\", "\\u0001", "\u0007", "\u001f", "\t", "\uFFFE", "日本語", "/"
        };
        StringBuilder text = new StringBuilder("{\"text\":\"");
        int length = random.nextInt(40);
        for (int i = 0; i < length; i++) {
            text.append(parts[random.nextInt(parts.length)]);
        }
        return text.append("\",\"n\":").append(random.nextInt()).append('}').toString();
    }
}
