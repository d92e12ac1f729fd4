package io.firehosegateway.sink.sqs;

import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkContractTests;
import io.firehosegateway.support.FaultProxy;
import io.firehosegateway.support.FaultProxy.Fault;
import io.firehosegateway.support.FaultProxy.ServiceError;
import io.firehosegateway.support.MotoServer;
import io.firehosegateway.support.SqsEmulator;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The SQS sink passes the sink contract against moto, its queue named by name so that the lookup
 * is part of it, with the fault proxy speaking SQS's JSON protocol between the SDK and moto: entries
 * failed on SQS's side, and an entry refused with {@code SenderFault} as the invalid event. A queue
 * that does not exist is the configuration fault.
 */
class SqsSinkContractIntegrationTests extends SinkContractTests {

    /** The SQS implementation behind the fault proxy: moto here, ElasticMQ in {@link ElasticMqSinkContractIntegrationTests}. */
    protected URI emulatorEndpoint() {
        return MotoServer.endpoint();
    }

    /** The sink under test, as the gateway builds it by default; {@link SqsSdkSinkContractIntegrationTests} the SDK's. */
    SqsSink sink(SqsAsyncClient client) {
        return SqsTestClients.sink(client);
    }

    @Override
    protected SinkUnderTest start() throws Exception {
        URI moto = emulatorEndpoint();
        SqsEmulator emulator = new SqsEmulator(moto);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String queue = "contract-" + run;
        String url = emulator.createQueue(queue);
        FaultProxy proxy = FaultProxy.start(moto);
        SqsAsyncClient client = SqsTestClients.client(proxy.endpoint());
        SqsSink sink = sink(client);
        List<String> received = new CopyOnWriteArrayList<>();
        return new SinkUnderTest() {
            @Override
            public Sink sink() {
                return sink;
            }

            @Override
            public String destination() {
                return queue;
            }

            @Override
            public List<String> landed() {
                emulator.drain(url).forEach(message -> received.add(message.body()));
                return new ArrayList<>(received);
            }

            @Override
            public boolean failEntriesOfNextCall(Predicate<String> failing) {
                AtomicBoolean first = new AtomicBoolean(true);
                proxy.script(call -> first.getAndSet(false)
                        ? Fault.failEntries((index, body) -> failing.test(body), ServiceError.sqsInternalError())
                        : Fault.pass());
                return true;
            }

            @Override
            public boolean refuseCallsHolding(Predicate<String> invalid) {
                proxy.script(
                        call -> Fault.failEntries((index, body) -> invalid.test(body), ServiceError.sqsInvalidEntry()));
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
