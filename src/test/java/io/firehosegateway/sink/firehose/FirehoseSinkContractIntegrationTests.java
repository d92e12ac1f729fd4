package io.firehosegateway.sink.firehose;

import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkContractTests;
import io.firehosegateway.support.FaultProxy;
import io.firehosegateway.support.FaultProxy.Fault;
import io.firehosegateway.support.FirehoseEmulator;
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
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * The Firehose sink passes the sink contract against moto, with the fault proxy between the SDK
 * and moto for the faults moto never has: failed entries and calls refused as invalid. A delivery
 * stream that does not exist is the configuration fault.
 */
class FirehoseSinkContractIntegrationTests extends SinkContractTests {

    /** The sink under test, on the SDK client's calls; {@link FirehoseDirectSinkContractIntegrationTests} builds its own. */
    FirehoseSink sink(FirehoseAsyncClient client) {
        return new FirehoseSink(client, new FirehoseRetryClassifier());
    }

    @Override
    protected SinkUnderTest start() throws Exception {
        URI moto = MotoServer.endpoint();
        FirehoseEmulator emulator = new FirehoseEmulator(moto);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String stream = "contract-" + run;
        String bucket = emulator.createStream(stream);
        FaultProxy proxy = FaultProxy.start(moto);
        FirehoseAsyncClient client = FirehoseAsyncClient.builder()
                .endpointOverride(proxy.endpoint())
                .region(Region.of(FirehoseEmulator.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(FirehoseEmulator.ACCESS_KEY, FirehoseEmulator.SECRET_KEY)))
                .overrideConfiguration(override -> override.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(Duration.ofSeconds(5)))
                .build();
        FirehoseSink sink = sink(client);
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
                return emulator.lines(bucket);
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
                proxy.script(
                        call -> call.records().stream().anyMatch(invalid) ? Fault.invalidArgument() : Fault.pass());
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
}
