package io.firehosegateway.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.cbor.CBORMapper;

/**
 * The CBOR path, which real Kinesis gets and moto never sees: a fake Kinesis that speaks only CBOR
 * checks that the sink's calls really are CBOR, and answers in CBOR with failed entries, a stream
 * description and a whole-call error, which the sink must read as it reads JSON. And the switch
 * that makes a client speak JSON for moto leaves no trace on clients built after it.
 */
class KinesisCborTests {

    private static final String CBOR = "application/x-amz-cbor-1.1";
    private static final CBORMapper cbor = CBORMapper.builder().build();

    /** One call the fake received. */
    record Received(String target, String contentType, JsonNode body) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile boolean failCallsWithKmsDisabled;
    private HttpServer fake;
    private KinesisAsyncClient client;

    @BeforeEach
    void startFake() throws IOException {
        fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        fake.createContext("/", this::answer);
        fake.start();
        client = client(true);
    }

    @AfterEach
    void stopFake() {
        client.close();
        fake.stop(0);
    }

    @Test
    void theSinkSpeaksCborAndHonoursTheFailedEntriesOfACborAnswer() {
        KinesisSink sink = sink(client);
        StreamRoutes.Route route = new StreamRoutes.Route("events", "orders", SinkKind.KINESIS);

        BatchResult result = sink.putRecords(
                        route,
                        List.of(record("{\"n\":0}\n", "k0"), record("{\"n\":1}\n", "k1"), record("{\"n\":2}\n", "k2")))
                .join();

        Received call = received.stream()
                .filter(r -> r.target().endsWith(".PutRecords"))
                .findFirst()
                .orElseThrow();
        assertThat(call.contentType()).isEqualTo(CBOR);
        assertThat(call.body().get("StreamName").asString()).isEqualTo("orders");
        // CBOR carries the data as a byte string, not base64 text.
        assertThat(call.body().get("Records").get(1).get("Data").isBinary()).isTrue();
        assertThat(new String(call.body().get("Records").get(1).get("Data").binaryValue(), StandardCharsets.UTF_8))
                .isEqualTo("{\"n\":1}\n");
        assertThat(call.body().get("Records").get(2).get("PartitionKey").asString())
                .isEqualTo("k2");
        assertThat(result.outcomes()).hasSize(3);
        assertThat(result.outcomes().get(0)).isEqualTo(RecordOutcome.ACCEPTED);
        assertThat(result.outcomes().get(1).kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(result.outcomes().get(1).errorCode()).isEqualTo("ProvisionedThroughputExceededException");
        assertThat(result.outcomes().get(2).kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(result.outcomes().get(2).errorCode()).isEqualTo("InternalFailure");
    }

    @Test
    void aCborErrorAnswerIsClassifiedAsAJsonOneIs() {
        failCallsWithKmsDisabled = true;
        KinesisSink sink = sink(client);

        assertThatThrownBy(() -> sink.putRecords(
                                new StreamRoutes.Route("events", "orders", SinkKind.KINESIS),
                                List.of(record("{}\n", "k")))
                        .join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(SinkException.class, error -> {
                    assertThat(error.kind()).isEqualTo(FailureKind.CONFIGURATION);
                    assertThat(error.code()).isEqualTo("KMSDisabledException");
                });
    }

    @Test
    void aStreamsRaisedLargestRecordAndOnDemandModeComeFromItsCborDescription() {
        KinesisSink sink = sink(client);

        SinkLimits limits = sink.limits(new StreamRoutes.Route("events", "orders", SinkKind.KINESIS));

        assertThat(received.get(0).contentType()).isEqualTo(CBOR);
        assertThat(limits.maxRecordBytes()).isEqualTo(4096 * 1024 - 256);
        assertThat(limits.billingUnitBytes()).isEqualTo(KinesisLimits.ON_DEMAND_BILLING_UNIT_BYTES);
    }

    @Test
    void aClientBuiltToSpeakJsonLeavesTheJvmWideSwitchAsItWas() {
        String before = System.getProperty(KinesisProtocol.CBOR_ENABLED);
        try (KinesisAsyncClient json = client(false)) {
            assertThat(System.getProperty(KinesisProtocol.CBOR_ENABLED)).isEqualTo(before);
            json.describeStreamSummary(request -> request.streamName("orders")).join();
            assertThat(received.get(received.size() - 1).contentType()).startsWith("application/x-amz-json-1.1");
        }
        // A client built after it, with the switch untouched, speaks CBOR again.
        try (KinesisAsyncClient after = client(null)) {
            after.describeStreamSummary(request -> request.streamName("orders")).join();
            assertThat(received.get(received.size() - 1).contentType()).isEqualTo(CBOR);
        }
    }

    private static SinkRecord record(String data, String key) {
        return new SinkRecord(data.getBytes(StandardCharsets.UTF_8), key, key);
    }

    private KinesisSink sink(KinesisAsyncClient client) {
        KinesisRetryClassifier classifier = new KinesisRetryClassifier();
        return new KinesisSink(
                client,
                classifier,
                new KinesisStreamDescriptions(client, classifier),
                10L * 1024 * 1024,
                Duration.ofSeconds(10));
    }

    private KinesisAsyncClient client(Boolean speakCbor) {
        return KinesisProtocol.build(
                speakCbor,
                () -> KinesisAsyncClient.builder()
                        .endpointOverride(URI.create(
                                "http://127.0.0.1:" + fake.getAddress().getPort()))
                        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
                        .region(Region.US_EAST_1)
                        .credentialsProvider(
                                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                        .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry())
                                .apiCallAttemptTimeout(Duration.ofSeconds(10)))
                        .build());
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            byte[] raw = exchange.getRequestBody().readAllBytes();
            boolean speaksCbor = CBOR.equals(contentType);
            JsonNode body = speaksCbor ? cbor.readTree(raw) : new tools.jackson.databind.ObjectMapper().readTree(raw);
            received.add(new Received(target, contentType, body));
            ObjectNode answer = cbor.createObjectNode();
            int status = 200;
            if (target.endsWith(".PutRecords") && failCallsWithKmsDisabled) {
                status = 400;
                answer.put("__type", "KMSDisabledException").put("message", "The key is disabled.");
            } else if (target.endsWith(".PutRecords")) {
                ArrayNode records = answer.put("FailedRecordCount", 2).putArray("Records");
                records.addObject()
                        .put("SequenceNumber", "49590338271490256608559692538361571095921575989136588898")
                        .put("ShardId", "shardId-000000000000");
                records.addObject()
                        .put("ErrorCode", "ProvisionedThroughputExceededException")
                        .put("ErrorMessage", "Rate exceeded for shard shardId-000000000001.");
                records.addObject()
                        .put("ErrorCode", "InternalFailure")
                        .put("ErrorMessage", "Internal service failure.");
            } else if (target.endsWith(".DescribeStreamSummary")) {
                ObjectNode summary = answer.putObject("StreamDescriptionSummary");
                summary.put("StreamName", "orders")
                        .put("StreamARN", "arn:aws:kinesis:us-east-1:123456789012:stream/orders")
                        .put("StreamStatus", "ACTIVE")
                        .put("RetentionPeriodHours", 24)
                        .put("OpenShardCount", 2)
                        .put("MaxRecordSizeInKiB", 4096);
                summary.putObject("StreamModeDetails").put("StreamMode", "ON_DEMAND");
            }
            byte[] out = speaksCbor
                    ? cbor.writeValueAsBytes(answer)
                    : new tools.jackson.databind.ObjectMapper().writeValueAsBytes(answer);
            exchange.getResponseHeaders().add("Content-Type", speaksCbor ? CBOR : "application/x-amz-json-1.1");
            exchange.getResponseHeaders().add("x-amzn-RequestId", "fake");
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
        }
    }
}
