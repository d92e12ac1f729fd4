package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkContractTests;
import io.firehosegateway.support.KinesisEmulator;
import io.firehosegateway.support.KinesisFaultProxy;
import io.firehosegateway.support.KinesisFaultProxy.Fault;
import io.firehosegateway.support.MotoServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The Kinesis sink passes the sink contract against moto's Kinesis (a stream of two shards, read
 * back with {@code GetRecords}), with the Kinesis-speaking fault proxy between the SDK and moto for
 * the faults moto never has: failed entries and calls refused as invalid. A stream that does not
 * exist is the configuration fault. moto speaks JSON only, so the client is built speaking JSON.
 */
class KinesisSinkContractIntegrationTests extends SinkContractTests {

    @Override
    protected SinkUnderTest start() throws Exception {
        URI moto = MotoServer.endpoint();
        KinesisEmulator emulator = new KinesisEmulator(moto);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String stream = "contract-" + run;
        emulator.createStream(stream, 2);
        KinesisFaultProxy proxy = KinesisFaultProxy.start(moto);
        KinesisAsyncClient client = KinesisProtocol.build(
                false,
                () -> KinesisAsyncClient.builder()
                        .endpointOverride(proxy.endpoint())
                        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1))
                        .region(Region.of(KinesisEmulator.REGION))
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(KinesisEmulator.ACCESS_KEY, KinesisEmulator.SECRET_KEY)))
                        .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry())
                                .apiCallAttemptTimeout(Duration.ofSeconds(5)))
                        .build());
        KinesisSink sink = sink(client);
        return new SinkUnderTest() {
            @Override
            public Sink sink() {
                return sink;
            }

            @Override
            public String destination() {
                return stream;
            }

            @Override
            public List<String> landed() {
                return emulator.lines(stream);
            }

            @Override
            public boolean failEntriesOfNextCall(Predicate<String> failing) {
                AtomicBoolean first = new AtomicBoolean(true);
                proxy.script(call ->
                        first.getAndSet(false) ? Fault.failEntries((index, data) -> failing.test(data)) : Fault.pass());
                return true;
            }

            @Override
            public boolean refuseCallsHolding(Predicate<String> invalid) {
                proxy.script(call -> call.records().stream().anyMatch(invalid)
                        ? Fault.error(400, "InvalidArgumentException")
                        : Fault.pass());
                return true;
            }

            @Override
            public String misconfiguredDestination() {
                return "missing-" + run;
            }

            @Override
            public void close() throws Exception {
                sink.close();
                client.close();
                proxy.close();
                emulator.close();
            }
        };
    }

    /** The sink under test, on {@code client}: its {@code PutRecords} built by the SDK's client. */
    KinesisSink sink(KinesisAsyncClient client) {
        KinesisRetryClassifier classifier = new KinesisRetryClassifier();
        return new KinesisSink(
                client,
                classifier,
                new KinesisStreamDescriptions(client, classifier),
                5 * 1024 * 1024,
                Duration.ofSeconds(6));
    }
}
