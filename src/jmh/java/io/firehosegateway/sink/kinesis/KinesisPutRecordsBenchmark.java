package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.aws.AwsClientCustomizer;
import io.firehosegateway.sink.aws.AwsProperties;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpFullResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The CPU of one {@code PutRecords} call of the Kinesis sink, JSON protocol, built by the SDK's
 * client ({@code sdk}) or by the gateway ({@code direct}), side by side in one run: the sink's
 * entries, the body, the SigV4 signature and the answer's reading, on an HTTP client that takes the
 * body and answers at once (no network), so that what is measured is the call's own work. Run by
 * {@code bench/jmh KinesisPutRecordsBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KinesisPutRecordsBenchmark {

    /** The core suite's event: 156 bytes of JSON. */
    private static final byte[] EVENT =
            ("{\"id\":\"0193a4a0-0000-7000-8000-000000000001\",\"type\":\"order.created\",\"customer\":\"c-42\","
                            + "\"total\":129.95,\"currency\":\"EUR\",\"at\":\"2026-12-07T21:00:00Z\",\"n\":1}\n")
                    .getBytes(StandardCharsets.UTF_8);

    @Param({"sdk", "direct"})
    public String path;

    @Param({"100", "500"})
    public int records;

    private KinesisAsyncClient client;
    private KinesisSink sink;
    private final List<SinkRecord> batch = new ArrayList<>();
    private final StreamRoutes.Route route = new StreamRoutes.Route("events", "events", SinkKind.KINESIS);

    @Setup(Level.Trial)
    public void setUp() {
        SdkAsyncHttpClient http = new Answering(ok(records));
        client = KinesisProtocol.build(false, () -> KinesisAsyncClient.builder()
                .httpClient(http)
                .endpointOverride(URI.create("http://127.0.0.1:4574"))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(Duration.ofSeconds(10)))
                .build());
        AwsProperties aws = new AwsProperties(null, Duration.ofSeconds(5), Duration.ofSeconds(10), 1);
        KinesisCalls calls = "sdk".equals(path)
                ? KinesisCalls.sdk(client)
                : KinesisClientConfiguration.directCalls(client, new Answering(ok(records)), aws);
        KinesisRetryClassifier classifier = new KinesisRetryClassifier();
        sink = new KinesisSink(
                client,
                calls,
                classifier,
                new KinesisStreamDescriptions(client, classifier),
                5 << 20,
                Duration.ofSeconds(1));
        for (int i = 0; i < records; i++) {
            batch.add(SinkRecord.of(EVENT, UUID.randomUUID().toString()));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sink.close();
        client.close();
    }

    @Benchmark
    public BatchResult putRecords() {
        return sink.putRecords(route, batch).join();
    }

    private static byte[] ok(int count) {
        StringBuilder answer = new StringBuilder("{\"FailedRecordCount\":0,\"Records\":[");
        for (int i = 0; i < count; i++) {
            answer.append(i == 0 ? "" : ",")
                    .append("{\"SequenceNumber\":\"49590338271490256608559692538361571095921575989136588898\",")
                    .append("\"ShardId\":\"shardId-000000000000\"}");
        }
        return answer.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Takes the body and answers 200 with {@code answer} at once, on the caller's thread. */
    private record Answering(byte[] answer) implements SdkAsyncHttpClient {

        @Override
        public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
            request.requestContentPublisher().subscribe(new Subscriber<ByteBuffer>() {
                @Override
                public void onSubscribe(Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ByteBuffer buffer) {
                    buffer.position(buffer.limit());
                }

                @Override
                public void onError(Throwable error) {}

                @Override
                public void onComplete() {}
            });
            request.responseHandler()
                    .onHeaders(SdkHttpFullResponse.builder()
                            .statusCode(200)
                            .putHeader("Content-Length", Integer.toString(answer.length))
                            .build());
            request.responseHandler().onStream(subscriber -> subscriber.onSubscribe(new Subscription() {
                private boolean done;

                @Override
                public void request(long n) {
                    if (!done) {
                        done = true;
                        subscriber.onNext(ByteBuffer.wrap(answer));
                        subscriber.onComplete();
                    }
                }

                @Override
                public void cancel() {
                    done = true;
                }
            }));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public String clientName() {
            return "answering";
        }

        @Override
        public void close() {}
    }
}
