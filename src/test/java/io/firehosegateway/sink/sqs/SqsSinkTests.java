package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResultEntry;

class SqsSinkTests {

    private static final String URL = "https://sqs.us-east-1.amazonaws.com/123456789012/";

    /** An SQS client that answers as each test scripts it and keeps every request. */
    private static final class ScriptedSqs implements SqsAsyncClient {
        final List<SendMessageBatchRequest> sent = new ArrayList<>();
        final AtomicInteger lookups = new AtomicInteger();
        Function<SendMessageBatchRequest, SendMessageBatchResponse> answer = ScriptedSqs::allSuccessful;
        boolean queueExists = true;

        static SendMessageBatchResponse allSuccessful(SendMessageBatchRequest request) {
            return SendMessageBatchResponse.builder()
                    .successful(request.entries().stream()
                            .map(entry -> SendMessageBatchResultEntry.builder()
                                    .id(entry.id())
                                    .messageId("m-" + entry.id())
                                    .build())
                            .toList())
                    .build();
        }

        @Override
        public CompletableFuture<SendMessageBatchResponse> sendMessageBatch(SendMessageBatchRequest request) {
            sent.add(request);
            return CompletableFuture.completedFuture(answer.apply(request));
        }

        @Override
        public CompletableFuture<GetQueueUrlResponse> getQueueUrl(GetQueueUrlRequest request) {
            lookups.incrementAndGet();
            if (!queueExists) {
                return CompletableFuture.failedFuture(QueueDoesNotExistException.builder()
                        .statusCode(400)
                        .message("The specified queue does not exist.")
                        .build());
            }
            return CompletableFuture.completedFuture(GetQueueUrlResponse.builder()
                    .queueUrl(URL + request.queueName())
                    .build());
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {}
    }

    private final ScriptedSqs sqs = new ScriptedSqs();
    private final AtomicLong now = new AtomicLong();
    private final SqsErrorClassifier classifier = new SqsErrorClassifier();
    private final SqsSink sink =
            new SqsSink(sqs, new SqsQueues(sqs, classifier, Duration.ofSeconds(5), now::get), classifier);

    private static StreamRoutes.Route route(String destination) {
        return new StreamRoutes.Route("orders", destination, SinkKind.SQS);
    }

    private static SinkRecord record(String id, String key) {
        return new SinkRecord(("{\"id\":\"" + id + "\"}\n").getBytes(StandardCharsets.UTF_8), key, id);
    }

    private static List<SinkRecord> records(int count) {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(SinkRecord.of(("{\"id\":\"e-" + i + "\"}\n").getBytes(StandardCharsets.UTF_8), "e-" + i));
        }
        return records;
    }

    @Test
    void resultsAreMatchedByEntryIdNotByPosition() throws Exception {
        // SQS lists the successful entries in any order and the failed ones apart.
        sqs.answer = request -> {
            List<SendMessageBatchRequestEntry> entries = request.entries();
            List<SendMessageBatchResultEntry> successful = new ArrayList<>();
            for (int i = entries.size() - 1; i >= 0; i--) {
                if (i != 1 && i != 3) {
                    successful.add(SendMessageBatchResultEntry.builder()
                            .id(entries.get(i).id())
                            .build());
                }
            }
            return SendMessageBatchResponse.builder()
                    .successful(successful)
                    .failed(
                            BatchResultErrorEntry.builder()
                                    .id(entries.get(3).id())
                                    .code("InternalError")
                                    .senderFault(false)
                                    .build(),
                            BatchResultErrorEntry.builder()
                                    .id(entries.get(1).id())
                                    .code("InvalidParameterValue")
                                    .senderFault(true)
                                    .build())
                    .build();
        };

        BatchResult result = sink.putRecords(route("orders"), records(5)).get();

        assertThat(result.outcomes())
                .extracting(RecordOutcome::kind)
                .containsExactly(null, FailureKind.INVALID_REQUEST, null, FailureKind.RETRYABLE, null);
        assertThat(result.outcomes().get(1).errorCode()).isEqualTo("InvalidParameterValue");
    }

    @Test
    void anEntryNamedInNeitherListMayHaveLanded() throws Exception {
        sqs.answer = request -> SendMessageBatchResponse.builder()
                .successful(SendMessageBatchResultEntry.builder().id("0").build())
                .build();

        BatchResult result = sink.putRecords(route("orders"), records(2)).get();

        assertThat(result.outcomes())
                .extracting(RecordOutcome::kind)
                .containsExactly(null, FailureKind.UNKNOWN_OUTCOME);
    }

    @Test
    void aKmsEntryFaultIsTheConfigurationEvenWhenSqsBlamesTheSender() throws Exception {
        sqs.answer = request -> SendMessageBatchResponse.builder()
                .failed(request.entries().stream()
                        .map(entry -> BatchResultErrorEntry.builder()
                                .id(entry.id())
                                .code("KMS.DisabledException")
                                .senderFault(true)
                                .build())
                        .toList())
                .build();

        BatchResult result = sink.putRecords(route("orders"), records(3)).get();

        assertThat(result.outcomes()).extracting(RecordOutcome::kind).containsOnly(FailureKind.CONFIGURATION);
    }

    @Test
    void eachMessageCarriesItsEventIdAndStreamAndAFifoQueueItsGroupAndDeduplicationIds() throws Exception {
        sink.putRecords(route("orders.fifo"), List.of(record("e-1", "user 1"), record("e-2", "user-2")))
                .get();

        SendMessageBatchRequest request = sqs.sent.get(0);
        assertThat(request.queueUrl()).isEqualTo(URL + "orders.fifo");
        SendMessageBatchRequestEntry first = request.entries().get(0);
        assertThat(first.messageBody()).isEqualTo("{\"id\":\"e-1\"}");
        assertThat(first.messageAttributes().get("event-id").stringValue()).isEqualTo("e-1");
        assertThat(first.messageAttributes().get("stream").stringValue()).isEqualTo("orders");
        assertThat(first.messageGroupId())
                .isEqualTo(SqsMessageIds.fifoId("user 1"))
                .startsWith("sha256-");
        assertThat(first.messageDeduplicationId()).isEqualTo("e-1");
        assertThat(request.entries().get(1).messageGroupId()).isEqualTo("user-2");
    }

    @Test
    void anIdSpelledAsAnotherIdsMappingGetsItsOwnDeduplicationAndGroupIds() throws Exception {
        String longId = "k".repeat(200);
        String spoof = SqsMessageIds.MAPPED_PREFIX
                + HexFormat.of()
                        .formatHex(
                                MessageDigest.getInstance("SHA-256").digest(longId.getBytes(StandardCharsets.UTF_8)));

        sink.putRecords(route("orders.fifo"), List.of(record(longId, longId), record(spoof, spoof)))
                .get();

        List<SendMessageBatchRequestEntry> entries = sqs.sent.get(0).entries();
        assertThat(entries.get(1).messageDeduplicationId())
                .isNotEqualTo(entries.get(0).messageDeduplicationId());
        assertThat(entries.get(1).messageGroupId()).isNotEqualTo(entries.get(0).messageGroupId());
    }

    @Test
    void differentIdsAlwaysGetDifferentEventIdAttributesThatSqsTakes() throws Exception {
        List<String> ids = List.of("c\u0001d", "c\\u0001d", "a\ufffeb", "a\\ufffeb", "a\\\\ufffeb", "a\\b", "e-1");

        sink.putRecords(route("orders"), ids.stream().map(id -> record(id, id)).toList())
                .get();

        List<String> attributes = sqs.sent.get(0).entries().stream()
                .map(entry -> entry.messageAttributes().get("event-id").stringValue())
                .toList();
        assertThat(attributes).doesNotHaveDuplicates();
        assertThat(attributes).allMatch(text -> text.codePoints().allMatch(SqsBodies::isXmlChar));
        assertThat(attributes)
                .containsExactly(
                        "c\\u0001d", "c\\\\u0001d", "a\\ufffeb", "a\\\\ufffeb", "a\\\\\\\\ufffeb", "a\\\\b", "e-1");
    }

    @Test
    void aStandardQueueGetsAGroupOnlyWhenTheStreamHasAPartitionKey() throws Exception {
        sink.putRecords(route("orders"), List.of(record("e-1", "user-1"), record("e-2", "e-2")))
                .get();

        List<SendMessageBatchRequestEntry> entries = sqs.sent.get(0).entries();
        assertThat(entries.get(0).messageGroupId()).isEqualTo("user-1");
        assertThat(entries.get(1).messageGroupId()).isNull();
        assertThat(entries).allMatch(entry -> entry.messageDeduplicationId() == null);
    }

    @Test
    void aStandardQueueOfAStreamWithAPartitionKeyGetsEveryEventsKeyAsItsGroupEvenWhenItIsTheId() throws Exception {
        StreamRoutes.Route keyed = new StreamRoutes.Route("orders", "orders", SinkKind.SQS, true);

        // {"id":"j3","user":"j3"}, and an event without the key, keyed by its id as on every backbone.
        sink.putRecords(keyed, List.of(record("e-1", "user-1"), record("j3", "j3"), record("e-2", "e-2")))
                .get();

        assertThat(sqs.sent.get(0).entries())
                .extracting(SendMessageBatchRequestEntry::messageGroupId)
                .containsExactly("user-1", "j3", "e-2");
    }

    @Test
    void aQueueNameIsLookedUpOnceAndAUrlNever() throws Exception {
        sink.putRecords(route("orders"), records(1)).get();
        sink.putRecords(route("orders"), records(1)).get();
        sink.putRecords(route(URL + "other"), records(1)).get();

        assertThat(sqs.lookups).hasValue(1);
        assertThat(sqs.sent.get(2).queueUrl()).isEqualTo(URL + "other");
    }

    @Test
    void aQueueThatCannotBeFoundFailsItsCallsAsConfigurationAndIsLookedUpAgainLater() throws Exception {
        sqs.queueExists = false;

        assertThatThrownBy(() -> sink.putRecords(route("orders"), records(1)).get())
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        SinkException.class,
                        failure -> assertThat(failure.kind()).isEqualTo(FailureKind.CONFIGURATION));
        assertThatThrownBy(() -> sink.putRecords(route("orders"), records(1)).get())
                .hasCauseInstanceOf(SinkException.class);
        assertThat(sqs.lookups).as("not looked up again within 5 s").hasValue(1);

        sqs.queueExists = true;
        now.addAndGet(Duration.ofSeconds(5).toNanos());
        BatchResult result = sink.putRecords(route("orders"), records(1)).get();

        assertThat(result.failedCount()).isZero();
        assertThat(sqs.lookups).hasValue(2);
        assertThat(sqs.sent).hasSize(1);
    }

    @Test
    void bytesAsSentAreTheBodysWithoutTheNewlineAndWithItsEscapes() {
        assertThat(sink.bytesAsSent("{\"id\":\"a\"}\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("{\"id\":\"a\"}".length());
        assertThat(sink.bytesAsSent("{\"t\":\"\uffff\"}\n".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("{\"t\":\"\\uffff\"}".length());
        byte[] grows = ("{\"t\":\"" + "\uffff".repeat(200_000) + "\"}\n").getBytes(StandardCharsets.UTF_8);
        assertThat(grows.length).isLessThan(SqsLimits.LIMITS.maxRecordBytes());
        assertThat(sink.bytesAsSent(grows)).isGreaterThan(SqsLimits.LIMITS.maxRecordBytes());
    }

    @Test
    void aCallIsBilledPer64KibChunkOfItsMessages() {
        byte[] big = new byte[40 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        List<SinkRecord> records = List.of(SinkRecord.of(big, "a"), SinkRecord.of(big, "b"));

        assertThat(sink.billedUnitsOfCall(route("orders"), records)).isEqualTo(2);
        assertThat(sink.billedUnitsOfCall(route("orders"), records(10))).isEqualTo(1);
    }

    @Test
    void aFifoQueueOrdersPerKeyByDefaultAndAStandardOneDoesNot() {
        assertThat(sink.ordersPerKeyByDefault(route("orders.fifo"))).isTrue();
        assertThat(sink.ordersPerKeyByDefault(route(URL + "orders.fifo"))).isTrue();
        assertThat(sink.ordersPerKeyByDefault(route("orders"))).isFalse();
    }
}
