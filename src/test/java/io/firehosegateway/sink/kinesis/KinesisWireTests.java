package io.firehosegateway.sink.kinesis;

import static io.firehosegateway.support.WireTestData.CREDENTIALS;
import static io.firehosegateway.support.WireTestData.HTTP_DATE;
import static io.firehosegateway.support.WireTestData.bytes;
import static io.firehosegateway.support.WireTestData.streamName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
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
import java.math.BigInteger;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkGlobalTime;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The {@code PutRecords} the gateway builds itself against the one the SDK's client builds in
 * Kinesis's JSON protocol, on one recording HTTP client, for the same credentials and clock: the same
 * body bytes, signature and endpoint for many random batches (up to 500 records, the 1 MiB record and
 * 5 MiB call, every byte value, long and non-ASCII partition keys, explicit hash keys, streams by name
 * and by ARN), the same outcomes read from the same answers, and the same failure kinds and codes
 * from the same refusals and transport faults.
 */
class KinesisWireTests {

    private static final URI ENDPOINT = URI.create("http://127.0.0.1:4574");
    private static final String ARN = "arn:aws:kinesis:eu-west-1:123456789012:stream/";

    private final RecordingHttpClient http = new RecordingHttpClient(call -> ok(0));
    private final SettableClock clock = new SettableClock(Instant.now());
    private final AtomicReference<String> invocationId = new AtomicReference<>("none");
    private KinesisAsyncClient client;
    private KinesisCalls sdkCalls;
    private KinesisCalls directCalls;
    private KinesisSink sdk;
    private KinesisSink direct;
    private int offsetBefore;

    @BeforeEach
    void start() {
        start(Duration.ofSeconds(30));
    }

    /** Both paths, their calls timed out after {@code attemptTimeout}: long, but where no answer is the point. */
    private void start(Duration attemptTimeout) {
        offsetBefore = SdkGlobalTime.getGlobalTimeOffset();
        client = KinesisProtocol.build(
                false,
                () -> KinesisAsyncClient.builder()
                        .httpClient(http)
                        .endpointOverride(ENDPOINT)
                        .region(Region.EU_WEST_1)
                        .credentialsProvider(CREDENTIALS)
                        .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry())
                                .apiCallAttemptTimeout(attemptTimeout))
                        .build());
        sdkCalls = KinesisCalls.sdk(client);
        directCalls = KinesisCalls.direct(
                new AwsJsonRpcClient(
                        http,
                        CREDENTIALS,
                        "eu-west-1",
                        KinesisClientConfiguration.endpoint(client.serviceClientConfiguration(), null),
                        KinesisWire.PROTOCOL,
                        attemptTimeout,
                        KinesisWire::exceptionFor,
                        clock,
                        invocationId::get),
                destination -> KinesisClientConfiguration.endpoint(client.serviceClientConfiguration(), destination));
        KinesisRetryClassifier classifier = new KinesisRetryClassifier();
        KinesisStreamDescriptions descriptions = new KinesisStreamDescriptions(client, classifier);
        sdk = new KinesisSink(client, sdkCalls, classifier, descriptions, 5 << 20, Duration.ofSeconds(1));
        direct = new KinesisSink(client, directCalls, classifier, descriptions, 5 << 20, Duration.ofSeconds(1));
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
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                entries.add(entry(
                        bytes(random, i % 7 == 0 ? i % 4 : random.nextInt(maxLength)),
                        partitionKey(random),
                        random.nextInt(5) == 0 ? hashKey(random) : null));
            }
            if (round == 7) {
                entries.set(0, entry(bytes(random, (1 << 20) - 256), "k".repeat(256), null));
            }
            assertSameCall(random.nextBoolean() ? streamName(random) : ARN + streamName(random), entries);
        }
    }

    @Test
    void aCallOfFiveLargestRecordsIsSentAsTheSdkSendsIt() {
        Random random = new Random(5);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            entries.add(entry(bytes(random, (1 << 20) - 256), "k" + i + "é".repeat(127), hashKey(random)));
        }
        assertSameCall("large", entries);
    }

    @Test
    void everyByteValueAndEscapedKeysAreSentAsTheSdkSendsThem() {
        byte[] every = new byte[256];
        for (int i = 0; i < every.length; i++) {
            every[i] = (byte) i;
        }
        assertSameCall(
                "a.b_c-D9",
                List.of(
                        entry(every, "all", null),
                        entry(
                                "{\"name\":\"Zoë 🚀\"}\n".getBytes(StandardCharsets.UTF_8),
                                "Zoë 🚀 \"q\" \\ \t\n\u0001",
                                null),
                        entry(new byte[0], "empty", "340282366920938463463374607431768211455"),
                        entry(new byte[] {1}, "\u007f\u2028\ud7ff\ue000\ufffd", "0")));
    }

    @Test
    void theSinksCallsAreTheSdksForKeysOfEveryLength() {
        Random random = new Random(7);
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String key = i % 3 == 0 ? null : "ü".repeat(random.nextInt(300));
            records.add(new SinkRecord(bytes(random, random.nextInt(100)), key, "id-" + i));
        }
        http.answer(call -> ok(records.size()));
        BatchResult bySdk = sdk.putRecords(route("keys"), records).join();
        Recorded sdkCall = http.last();
        clock.set(sdkCall.signedAt());
        invocationId.set(sdkCall.header("amz-sdk-invocation-id"));
        BatchResult byDirect = direct.putRecords(route("keys"), records).join();
        assertThat(http.last().body()).isEqualTo(sdkCall.body());
        assertThat(http.last().signedHeaders()).isEqualTo(sdkCall.signedHeaders());
        assertThat(byDirect).isEqualTo(bySdk);
    }

    @Test
    void callsGoToTheSdksEndpointWithoutAnOverrideByNameAndByArn() {
        try (KinesisAsyncClient regional = KinesisProtocol.build(
                false,
                () -> KinesisAsyncClient.builder()
                        .httpClient(http)
                        .region(Region.EU_WEST_1)
                        .credentialsProvider(CREDENTIALS)
                        .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry()))
                        .build())) {
            KinesisCalls bySdk = KinesisCalls.sdk(regional);
            KinesisCalls byDirect = KinesisCalls.direct(
                    new AwsJsonRpcClient(
                            http,
                            CREDENTIALS,
                            "eu-west-1",
                            KinesisClientConfiguration.endpoint(regional.serviceClientConfiguration(), null),
                            KinesisWire.PROTOCOL,
                            Duration.ofSeconds(30),
                            KinesisWire::exceptionFor,
                            clock,
                            invocationId::get),
                    destination ->
                            KinesisClientConfiguration.endpoint(regional.serviceClientConfiguration(), destination));
            List<PutRecordsRequestEntry> entries = List.of(entry(new byte[] {1}, "a", null));
            http.answer(call -> ok(1));
            for (String destination : List.of("by-name", ARN + "by-arn")) {
                bySdk.putRecords(destination, entries).join();
                Recorded sdkCall = http.last();
                clock.set(sdkCall.signedAt());
                invocationId.set(sdkCall.header("amz-sdk-invocation-id"));
                byDirect.putRecords(destination, entries).join();
                assertThat(http.last().request().getUri())
                        .as(destination)
                        .isEqualTo(sdkCall.request().getUri());
                assertThat(http.last().signedHeaders()).as(destination).isEqualTo(sdkCall.signedHeaders());
            }
            byDirect.close();
        }
    }

    @Test
    void answersAreReadAsTheSdkReadsThem() {
        List<String> answers = List.of(
                "{\"FailedRecordCount\":0,\"Records\":[{\"SequenceNumber\":\"1\",\"ShardId\":\"shardId-000000000000\"},"
                        + "{\"SequenceNumber\":\"2\",\"ShardId\":\"shardId-000000000001\"},{\"SequenceNumber\":\"3\",\"ShardId\":\"shardId-000000000000\"}],"
                        + "\"EncryptionType\":\"KMS\"}",
                "{\"Records\":[{\"SequenceNumber\":\"1\",\"ShardId\":\"s0\"},{\"SequenceNumber\":\"2\",\"ShardId\":\"s1\"},{\"ShardId\":\"s2\"}]}",
                "{\"FailedRecordCount\":2,\"Records\":[{\"SequenceNumber\":\"1\",\"ShardId\":\"s0\"},"
                        + "{\"ErrorCode\":\"ProvisionedThroughputExceededException\",\"ErrorMessage\":\"Rate exceeded for shard s1.\"},"
                        + "{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"Try again \\u00e9\"}]}",
                "{\"Records\":[{\"ErrorCode\":\"KMSThrottlingException\",\"ErrorMessage\":\"kms\",\"SequenceNumber\":null},"
                        + "{\"ShardId\":\"s1\",\"Extra\":{\"nested\":[1,2]}},{\"ShardId\":\"s2\"}],\"FailedRecordCount\":1}");
        List<SinkRecord> records = List.of(record("1"), record("2"), record("3"));
        List<PutRecordsRequestEntry> entries = List.of(
                entry(new byte[] {1}, "a", null), entry(new byte[] {2}, "b", null), entry(new byte[] {3}, "c", null));
        for (String answer : answers) {
            http.answer(call -> Answer.of(200, answer, new HashMap<>()));
            assertThat(direct.putRecords(route("s"), records).join())
                    .as(answer)
                    .isEqualTo(sdk.putRecords(route("s"), records).join());
            PutRecordsResponse bySdk = sdkCalls.putRecords("s", entries).join();
            PutRecordsResponse byDirect = directCalls.putRecords("s", entries).join();
            assertThat(byDirect.failedRecordCount()).as(answer).isEqualTo(bySdk.failedRecordCount());
            assertThat(byDirect.records()).as(answer).hasSameSizeAs(bySdk.records());
            for (int i = 0; i < bySdk.records().size(); i++) {
                PutRecordsResultEntry expected = bySdk.records().get(i);
                PutRecordsResultEntry actual = byDirect.records().get(i);
                assertThat(actual.errorCode()).as(answer).isEqualTo(expected.errorCode());
                assertThat(actual.errorMessage()).as(answer).isEqualTo(expected.errorMessage());
                assertThat(actual.shardId()).as(answer).isEqualTo(expected.shardId());
            }
        }
    }

    @Test
    void refusalsAndTransportFaultsFailAsTheSdksCallsFail() {
        List<Answer> faults = List.of(
                Answer.error(
                        400,
                        "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Stream x not found.\"}",
                        Map.of()),
                Answer.error(
                        400,
                        "{\"__type\":\"com.amazonaws.kinesis#InvalidArgumentException\",\"message\":\"bad\"}",
                        Map.of()),
                Answer.error(
                        400, "{\"__type\":\"ProvisionedThroughputExceededException\",\"message\":\"Rate\"}", Map.of()),
                Answer.error(400, "{\"__type\":\"KMSThrottlingException\",\"message\":\"kms\"}", Map.of()),
                Answer.error(400, "{\"__type\":\"KMSDisabledException\",\"message\":\"kms\"}", Map.of()),
                Answer.error(400, "{\"__type\":\"KMSNotFoundException\",\"message\":\"kms\"}", Map.of()),
                Answer.error(400, "{\"__type\":\"KMSAccessDeniedException\",\"message\":\"kms\"}", Map.of()),
                Answer.error(400, "{\"__type\":\"KMSInvalidStateException\",\"message\":\"kms\"}", Map.of()),
                Answer.error(400, "{\"__type\":\"KMSOptInRequired\",\"message\":\"kms\"}", Map.of()),
                Answer.error(400, "{\"__type\":\"LimitExceededException\"}", Map.of()),
                Answer.error(400, "{\"__type\":\"ResourceInUseException\"}", Map.of()),
                Answer.error(400, "{\"__type\":\"ValidationException\",\"message\":\"1 validation error\"}", Map.of()),
                Answer.error(400, "{\"__type\":\"AccessDeniedException\",\"Message\":\"denied\"}", Map.of()),
                Answer.error(500, "{\"__type\":\"InternalFailure\"}", Map.of()),
                Answer.error(500, "{\"__type\":\"InternalFailureException\"}", Map.of()),
                Answer.error(503, "{\"__type\":\"ServiceUnavailable\"}", Map.of()),
                Answer.error(502, "<html><body>Bad Gateway</body></html>", Map.of()),
                Answer.error(400, "{}", Map.of("x-amzn-ErrorType", List.of("ThrottlingException:http://internal/"))),
                Answer.error(403, "{\"__type\":\"UnrecognizedClientException\",\"message\":\"who\"}", Map.of()),
                Answer.error(403, "{\"__type\":\"InvalidSignatureException\",\"message\":\"sig\"}", Map.of()),
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
            assertThat(byDirect.getCause())
                    .as(what)
                    .isExactlyInstanceOf(bySdk.getCause().getClass());
        }
    }

    @Test
    void noAnswerWithinTheAttemptTimeoutIsAnUnknownOutcomeOnBothPaths() {
        stop();
        start(Duration.ofMillis(500));
        http.answer(call -> Answer.never());
        SinkException bySdk = failure(sdk, List.of(record("1")));
        SinkException byDirect = failure(direct, List.of(record("1")));
        assertThat(bySdk.kind()).isEqualTo(FailureKind.UNKNOWN_OUTCOME);
        assertThat(byDirect.kind()).isEqualTo(bySdk.kind());
        assertThat(byDirect.code()).isEqualTo(bySdk.code());
    }

    @Test
    void aRefusalForClockSkewIsTransientAndCorrectsTheSigningClockAsTheSdkDoes() {
        Instant serviceTime = Instant.now().plus(Duration.ofHours(1));
        for (String code : List.of("RequestTimeTooSkewed", "InvalidSignatureException")) {
            for (KinesisSink sink : List.of(sdk, direct)) {
                SdkGlobalTime.setGlobalTimeOffset(0);
                http.answer(call -> Answer.error(
                        400,
                        "{\"__type\":\"" + code + "\",\"message\":\"skewed\"}",
                        Map.of("Date", List.of(HTTP_DATE.format(serviceTime)))));
                SinkException refused = failure(sink, List.of(record("1")));
                assertThat(refused.kind()).as(code).isEqualTo(FailureKind.RETRYABLE);
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

    private void assertSameCall(String destination, List<PutRecordsRequestEntry> entries) {
        http.answer(call -> ok(entries.size()));
        PutRecordsResponse bySdk = sdkCalls.putRecords(destination, entries).join();
        Recorded sdkCall = http.last();
        clock.set(sdkCall.signedAt());
        invocationId.set(sdkCall.header("amz-sdk-invocation-id"));
        PutRecordsResponse byDirect =
                directCalls.putRecords(destination, entries).join();
        Recorded directCall = http.last();
        assertThat(directCall.body()).isEqualTo(sdkCall.body());
        assertThat(directCall.signedHeaders()).isEqualTo(sdkCall.signedHeaders());
        assertThat(directCall.request().getUri()).isEqualTo(sdkCall.request().getUri());
        assertThat(byDirect.failedRecordCount()).isEqualTo(bySdk.failedRecordCount());
        assertThat(byDirect.records()).hasSameSizeAs(bySdk.records());
    }

    private static SinkException failure(KinesisSink sink, List<SinkRecord> records) {
        Throwable thrown =
                catchThrowable(() -> sink.putRecords(route("s"), records).join());
        assertThat(thrown).isInstanceOf(CompletionException.class).hasCauseInstanceOf(SinkException.class);
        return (SinkException) thrown.getCause();
    }

    private static Answer ok(int count) {
        StringBuilder answer = new StringBuilder("{\"FailedRecordCount\":0,\"Records\":[");
        for (int i = 0; i < count; i++) {
            answer.append(i == 0 ? "" : ",")
                    .append("{\"SequenceNumber\":\"4959")
                    .append(i)
                    .append("\",\"ShardId\":\"shardId-00000000000")
                    .append(i % 4)
                    .append("\"}");
        }
        return Answer.of(200, answer.append("]}").toString(), new HashMap<>());
    }

    private static PutRecordsRequestEntry entry(byte[] data, String partitionKey, String explicitHashKey) {
        return PutRecordsRequestEntry.builder()
                .data(SdkBytes.fromByteArrayUnsafe(data))
                .partitionKey(partitionKey)
                .explicitHashKey(explicitHashKey)
                .build();
    }

    private static StreamRoutes.Route route(String destination) {
        return new StreamRoutes.Route("events", destination, SinkKind.KINESIS);
    }

    private static SinkRecord record(String data) {
        return SinkRecord.of(data.getBytes(StandardCharsets.UTF_8), data);
    }

    /** Keys of 1 to 256 characters, some beyond ASCII and the BMP, some needing JSON escapes. */
    private static String partitionKey(Random random) {
        String alphabet = "abcXYZ019-_./:\"\\\té€😀";
        int length = 1 + (random.nextInt(8) == 0 ? 200 + random.nextInt(56) : random.nextInt(40));
        StringBuilder key = new StringBuilder();
        while (key.codePointCount(0, key.length()) < length) {
            int at = random.nextInt(alphabet.codePointCount(0, alphabet.length()));
            key.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, at)));
        }
        return key.toString();
    }

    private static String hashKey(Random random) {
        return new BigInteger(128, random).toString();
    }
}
