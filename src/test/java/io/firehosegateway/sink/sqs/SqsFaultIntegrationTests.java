package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.support.FaultProxy;
import io.firehosegateway.support.FaultProxy.Fault;
import io.firehosegateway.support.FaultProxy.ServiceError;
import io.firehosegateway.support.MotoServer;
import io.firehosegateway.support.SqsEmulator;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * SQS's faults as they come over the wire in its JSON protocol, from the fault proxy in front of
 * moto, through the real SDK into the sink's classification: what the sink says of each is what the
 * pipeline acts on (its handling of each kind is the contract test's).
 */
class SqsFaultIntegrationTests {

    private SqsEmulator emulator;
    private FaultProxy proxy;
    private SqsAsyncClient client;
    private SqsSink sink;
    private String queue;
    private String url;

    @BeforeEach
    void start() throws Exception {
        URI moto = MotoServer.endpoint();
        emulator = new SqsEmulator(moto);
        queue = "faults-" + UUID.randomUUID().toString().substring(0, 8) + ".fifo";
        url = emulator.createQueue(queue);
        proxy = FaultProxy.start(moto);
        client = SqsTestClients.client(proxy.endpoint());
        sink = SqsTestClients.sink(client);
    }

    @AfterEach
    void stop() throws Exception {
        sink.close();
        client.close();
        proxy.close();
        emulator.close();
    }

    private StreamRoutes.Route route() {
        return new StreamRoutes.Route("faults", queue, SinkKind.SQS);
    }

    /** Sends to a new FIFO queue in high-throughput mode: its quota per message group. */
    private void useHighThroughputQueue() {
        queue = "faults-ht-" + UUID.randomUUID().toString().substring(0, 8) + ".fifo";
        url = emulator.createHighThroughputFifoQueue(queue);
    }

    /** Records of one message group. */
    private static List<SinkRecord> oneGroup(int count) {
        List<SinkRecord> records = new ArrayList<>();
        for (SinkRecord record : records(count)) {
            records.add(new SinkRecord(record.data(), "the-group", record.id()));
        }
        return records;
    }

    private static List<SinkRecord> records(int count) {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = UUID.randomUUID().toString();
            records.add(new SinkRecord(
                    ("{\"id\":\"" + id + "\",\"n\":" + i + "}\n").getBytes(StandardCharsets.UTF_8), "key-" + i, id));
        }
        return records;
    }

    private SinkException wholeCallFailure(Fault fault) throws Exception {
        return wholeCallFailure(fault, records(3));
    }

    private SinkException wholeCallFailure(Fault fault, List<SinkRecord> records) throws Exception {
        proxy.script(call -> fault);
        Throwable thrown =
                catchThrowable(() -> sink.putRecords(route(), records).get());
        assertThat(thrown).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SinkException.class);
        return (SinkException) thrown.getCause();
    }

    @Test
    void aThrottledCallIsThrottled() throws Exception {
        SinkException failure = wholeCallFailure(Fault.error(ServiceError.sqsThrottled()));

        assertThat(failure.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(emulator.drain(url)).isEmpty();
    }

    @Test
    void aFifoQueueOverItsQuotaPerQueueThrottlesTheWholeCallEvenForOneGroup() throws Exception {
        SinkException failure = wholeCallFailure(Fault.error(ServiceError.sqsFifoThrottled()), oneGroup(3));

        assertThat(failure.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(failure.code()).isEqualTo("ThrottlingException");
    }

    @Test
    void aThrottledCallOfOneGroupToAQueueWithAQuotaPerGroupThrottlesThatGroupsEntriesOnly() throws Exception {
        useHighThroughputQueue();
        proxy.script(call -> Fault.error(ServiceError.sqsFifoThrottled()));

        BatchResult result = sink.putRecords(route(), oneGroup(3)).get();

        assertThat(result.outcomes()).hasSize(3).allSatisfy(outcome -> {
            assertThat(outcome.kind()).isEqualTo(FailureKind.THROTTLED);
            assertThat(outcome.errorCode()).isEqualTo("ThrottlingException");
        });
        assertThat(emulator.drain(url)).isEmpty();
    }

    @Test
    void onAQueueWithAQuotaPerGroupAThrottledCallOfSeveralGroupsOrOfKmsIsStillTheWholeCalls() throws Exception {
        useHighThroughputQueue();

        SinkException severalGroups = wholeCallFailure(Fault.error(ServiceError.sqsFifoThrottled()), records(3));
        SinkException kms = wholeCallFailure(
                Fault.error(new ServiceError(400, "KMS.ThrottlingException", "Rate exceeded", true)), oneGroup(3));

        assertThat(severalGroups.kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(kms.kind()).isEqualTo(FailureKind.THROTTLED);
    }

    @Test
    void aKmsKeyDisabledForTheWholeCallIsTheConfiguration() throws Exception {
        SinkException failure = wholeCallFailure(Fault.error(ServiceError.sqsKmsDisabled()));

        assertThat(failure.kind()).isEqualTo(FailureKind.CONFIGURATION);
    }

    @Test
    void anInternalErrorIsRetryableAndAResetMayHaveLanded() throws Exception {
        assertThat(wholeCallFailure(Fault.internalFailure()).kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(wholeCallFailure(Fault.resetAfterForwarding()).kind()).isEqualTo(FailureKind.UNKNOWN_OUTCOME);
        assertThat(emulator.drain(url)).as("the reset call landed").hasSize(3);
    }

    @Test
    void failedEntriesAreClassifiedByTheirCodeAndTheRestLand() throws Exception {
        assertThat(failSecondEntry(ServiceError.sqsKmsDisabled())).isEqualTo(FailureKind.CONFIGURATION);
        assertThat(failSecondEntry(ServiceError.sqsInvalidEntry())).isEqualTo(FailureKind.INVALID_REQUEST);
        assertThat(failSecondEntry(ServiceError.sqsInternalError())).isEqualTo(FailureKind.RETRYABLE);
        assertThat(failSecondEntry(ServiceError.sqsThrottled())).isEqualTo(FailureKind.THROTTLED);
        assertThat(emulator.drain(url))
                .as("the other entries of the four calls")
                .hasSize(12);
    }

    /** Sends four records, the second failing with {@code error}; what the sink says of it. */
    private FailureKind failSecondEntry(ServiceError error) throws Exception {
        proxy.script(call -> Fault.failEntries((index, body) -> index == 1, error));

        BatchResult result = sink.putRecords(route(), records(4)).get();

        assertThat(result.outcomes().get(0).accepted()).isTrue();
        assertThat(result.outcomes().subList(2, 4)).allMatch(RecordOutcome::accepted);
        assertThat(result.outcomes().get(1).errorCode()).isEqualTo(error.code());
        return result.outcomes().get(1).kind();
    }
}
