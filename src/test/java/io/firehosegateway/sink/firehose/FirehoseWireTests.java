package io.firehosegateway.sink.firehose;

import static io.firehosegateway.support.WireTestData.CREDENTIALS;
import static io.firehosegateway.support.WireTestData.HTTP_DATE;
import static io.firehosegateway.support.WireTestData.bytes;
import static io.firehosegateway.support.WireTestData.streamName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.SinkException;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * The {@code PutRecordBatch} the gateway builds itself against the one the SDK builds, on one
 * recording HTTP client, for the same credentials and clock: the same body bytes and the same
 * signature for many random batches, the same outcomes read from the same answers, and the same
 * failure kinds and codes from the same refusals and transport faults.
 */
class FirehoseWireTests {

    private static final URI ENDPOINT = URI.create("http://127.0.0.1:4573");

    private final RecordingHttpClient http = new RecordingHttpClient(call -> ok(0));
    private final SettableClock clock = new SettableClock(Instant.now());
    private final AtomicReference<String> invocationId = new AtomicReference<>("none");
    private FirehoseAsyncClient client;
    private FirehoseSink sdk;
    private FirehoseSink direct;
    private int offsetBefore;

    @BeforeEach
    void start() {
        start(Duration.ofSeconds(30));
    }

    /** Both sinks, their calls timed out after {@code attemptTimeout}: long, but where no answer is the point. */
    private void start(Duration attemptTimeout) {
        offsetBefore = SdkGlobalTime.getGlobalTimeOffset();
        client = FirehoseAsyncClient.builder()
                .httpClient(http)
                .endpointOverride(ENDPOINT)
                .region(Region.EU_WEST_1)
                .credentialsProvider(CREDENTIALS)
                .overrideConfiguration(override ->
                        override.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallAttemptTimeout(attemptTimeout))
                .build();
        sdk = new FirehoseSink(client, new FirehoseRetryClassifier());
        direct = new FirehoseSink(
                new AwsJsonRpcClient(
                        http,
                        CREDENTIALS,
                        "eu-west-1",
                        FirehoseClientConfiguration.endpoint(client.serviceClientConfiguration()),
                        FirehoseWire.PROTOCOL,
                        attemptTimeout,
                        FirehoseWire::exceptionFor,
                        clock,
                        invocationId::get),
                new FirehoseRetryClassifier());
    }

    @AfterEach
    void stop() {
        direct.close();
        client.close();
        SdkGlobalTime.setGlobalTimeOffset(offsetBefore);
    }

    @Test
    void bodiesAndSignaturesEqualTheSdksForRandomBatches() {
        Random random = new Random(24);
        for (int round = 0; round < 120; round++) {
            int count = switch (round % 4) {
                case 0 -> 1;
                case 1 -> 500;
                default -> 1 + random.nextInt(500);
            };
            int maxLength = round % 10 == 3 ? 6000 : 300;
            List<SinkRecord> records = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                records.add(SinkRecord.of(bytes(random, i % 7 == 0 ? i % 4 : random.nextInt(maxLength)), "id-" + i));
            }
            if (round == 7) {
                records.set(0, SinkRecord.of(bytes(random, 1000 * 1024), "largest"));
            }
            assertSameCall(streamName(random), records);
        }
    }

    @Test
    void nonAsciiDataAndEveryByteValueAreSentAsTheSdkSendsThem() {
        byte[] every = new byte[256];
        for (int i = 0; i < every.length; i++) {
            every[i] = (byte) i;
        }
        assertSameCall(
                "a.b_c-D9",
                List.of(
                        SinkRecord.of(every, "all"),
                        SinkRecord.of(
                                "{\"name\":\"Zoë 🚀 \\\"quoted\\\"\"}\n"
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                "utf8"),
                        SinkRecord.of(new byte[0], "empty")));
    }

    @Test
    void answersAreReadAsTheSdkReadsThem() {
        List<String> answers = List.of(
                "{\"FailedPutCount\":0,\"Encrypted\":false,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"},{\"RecordId\":\"c\"}]}",
                "{\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"},{\"RecordId\":\"c\"}]}",
                "{\"FailedPutCount\":2,\"RequestResponses\":[{\"RecordId\":\"a\"},"
                        + "{\"ErrorCode\":\"ServiceUnavailableException\",\"ErrorMessage\":\"Slow down.\"},"
                        + "{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"Try again \\u00e9\"}]}",
                "{\"RequestResponses\":[{\"ErrorCode\":\"KMSAccessDeniedException\",\"ErrorMessage\":\"no\",\"RecordId\":null},"
                        + "{\"RecordId\":\"b\",\"Extra\":{\"nested\":[1,2]}},{\"RecordId\":\"c\"}],\"FailedPutCount\":1}");
        List<SinkRecord> records = List.of(record("1"), record("2"), record("3"));
        for (String answer : answers) {
            http.answer(call -> Answer.of(200, answer, new HashMap<>()));
            BatchResult bySdk = sdk.putRecords(route("s"), records).join();
            BatchResult byDirect = direct.putRecords(route("s"), records).join();
            assertThat(byDirect).as(answer).isEqualTo(bySdk);
        }
    }

    @Test
    void refusalsAndTransportFaultsFailAsTheSdksCallsFail() {
        List<Answer> faults = List.of(
                Answer.error(
                        400,
                        "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Firehose x not found.\"}",
                        Map.of()),
                Answer.error(
                        400,
                        "{\"__type\":\"com.amazonaws.firehose#InvalidArgumentException\",\"message\":\"bad\"}",
                        Map.of()),
                Answer.error(503, "{\"__type\":\"ServiceUnavailableException\",\"message\":\"Slow down.\"}", Map.of()),
                Answer.error(400, "{\"__type\":\"InvalidKMSResourceException\",\"message\":\"kms\"}", Map.of()),
                Answer.error(500, "{\"__type\":\"InternalFailure\"}", Map.of()),
                Answer.error(502, "<html><body>Bad Gateway</body></html>", Map.of()),
                Answer.error(400, "{}", Map.of("x-amzn-ErrorType", List.of("ThrottlingException:http://internal/"))),
                Answer.error(400, "{\"__type\":\"AccessDeniedException\",\"Message\":\"denied\"}", Map.of()),
                Answer.error(403, "{\"__type\":\"UnrecognizedClientException\",\"message\":\"who\"}", Map.of()),
                Answer.error(403, "{\"__type\":\"InvalidSignatureException\",\"message\":\"sig\"}", Map.of()),
                Answer.error(400, "{\"__type\":\"LimitExceededException\"}", Map.of()),
                Answer.error(408, "", Map.of()),
                Answer.error(413, "", Map.of()),
                Answer.error(429, "{\"__type\":\"TooManyRequestsException\"}", Map.of()),
                Answer.failing(new ConnectException("Connection refused")),
                Answer.failing(new IOException("Connection reset by peer")));
        List<SinkRecord> records = List.of(record("1"));
        for (Answer fault : faults) {
            http.answer(call -> fault);
            SinkException bySdk = failure(sdk, records);
            SinkException byDirect = failure(direct, records);
            String what = fault.failure() != null
                    ? fault.failure().toString()
                    : fault.status() + " " + (fault.body() == null ? "none" : new String(fault.body()));
            assertThat(byDirect.kind()).as(what).isEqualTo(bySdk.kind());
            assertThat(byDirect.code()).as(what).isEqualTo(bySdk.code());
        }
    }

    @Test
    void noAnswerWithinTheAttemptTimeoutIsAnUnknownOutcomeOnBothPaths() {
        stop();
        start(Duration.ofMillis(500));
        http.answer(call -> Answer.never());
        SinkException bySdk = failure(sdk, List.of(record("1")));
        SinkException byDirect = failure(direct, List.of(record("1")));
        assertThat(bySdk.kind()).isEqualTo(io.firehosegateway.sink.FailureKind.UNKNOWN_OUTCOME);
        assertThat(byDirect.kind()).isEqualTo(bySdk.kind());
        assertThat(byDirect.code()).isEqualTo(bySdk.code());
    }

    @Test
    void aRefusalForClockSkewIsTransientAndCorrectsTheSigningClockAsTheSdkDoes() {
        Instant serviceTime = Instant.now().plus(Duration.ofHours(1));
        for (String code : List.of("RequestTimeTooSkewed", "InvalidSignatureException")) {
            for (FirehoseSink sink : List.of(sdk, direct)) {
                SdkGlobalTime.setGlobalTimeOffset(0);
                http.answer(call -> Answer.error(
                        400,
                        "{\"__type\":\"" + code + "\",\"message\":\"skewed\"}",
                        Map.of("Date", List.of(HTTP_DATE.format(serviceTime)))));
                SinkException refused = failure(sink, List.of(record("1")));
                assertThat(refused.kind()).as(code).isEqualTo(io.firehosegateway.sink.FailureKind.RETRYABLE);
                http.answer(call -> ok(1));
                clock.set(Instant.now());
                sink.putRecords(route("s"), List.of(record("1"))).join();
                Instant signedAt = http.last().signedAt();
                assertThat(Duration.between(signedAt, serviceTime).abs())
                        .as(code)
                        .isLessThan(Duration.ofMinutes(1));
            }
        }
    }

    private void assertSameCall(String stream, List<SinkRecord> records) {
        http.answer(call -> ok(records.size()));
        BatchResult bySdk = sdk.putRecords(route(stream), records).join();
        Recorded sdkCall = http.last();
        clock.set(sdkCall.signedAt());
        invocationId.set(sdkCall.header("amz-sdk-invocation-id"));
        BatchResult byDirect = direct.putRecords(route(stream), records).join();
        Recorded directCall = http.last();
        assertThat(directCall.body()).isEqualTo(sdkCall.body());
        assertThat(directCall.signedHeaders()).isEqualTo(sdkCall.signedHeaders());
        assertThat(directCall.request().getUri()).isEqualTo(sdkCall.request().getUri());
        assertThat(byDirect).isEqualTo(bySdk);
    }

    private static SinkException failure(FirehoseSink sink, List<SinkRecord> records) {
        Throwable thrown =
                catchThrowable(() -> sink.putRecords(route("s"), records).join());
        assertThat(thrown).isInstanceOf(CompletionException.class).hasCauseInstanceOf(SinkException.class);
        return (SinkException) thrown.getCause();
    }

    private static Answer ok(int count) {
        StringBuilder answer = new StringBuilder("{\"FailedPutCount\":0,\"Encrypted\":false,\"RequestResponses\":[");
        for (int i = 0; i < count; i++) {
            answer.append(i == 0 ? "" : ",")
                    .append("{\"RecordId\":\"r")
                    .append(i)
                    .append("\"}");
        }
        return Answer.of(200, answer.append("]}").toString(), new HashMap<>());
    }

    private static StreamRoutes.Route route(String destination) {
        return new StreamRoutes.Route("events", destination, io.firehosegateway.sink.SinkKind.FIREHOSE);
    }

    private static SinkRecord record(String data) {
        return SinkRecord.of(data.getBytes(java.nio.charset.StandardCharsets.UTF_8), data);
    }
}
