package io.firehosegateway.sink.sqs;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.aws.AwsJsonRpcClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Sends each batch as one {@code SendMessageBatch} call, one message per event, and maps the answer
 * back to the records by each entry's {@code Id}, since SQS answers by id, not by position.
 *
 * <p>A message's body is the event's compact JSON without its framing newline (see
 * {@link SqsBodies}); its attributes {@value #EVENT_ID_ATTRIBUTE} and {@value #STREAM_ATTRIBUTE}
 * let consumers deduplicate and route without parsing it. On a FIFO queue the message group is the
 * record's key and the deduplication id its event id, both mapped by {@link SqsMessageIds}; on a
 * standard queue a stream's partition key, when it sets one, is sent as the message group (fair
 * queues use it), also where it is the event's id.
 */
final class SqsSink implements Sink, AutoCloseable {

    /** The attribute that carries the event's id. */
    static final String EVENT_ID_ATTRIBUTE = "event-id";

    /** The attribute that carries the gateway stream the event was sent to. */
    static final String STREAM_ATTRIBUTE = "stream";

    private static final String STRING = "String";

    /** The attributes' names and types, in UTF-8 bytes: the same for every message. */
    private static final int FIXED_ATTRIBUTE_BYTES =
            SqsBodies.utf8Length(EVENT_ID_ATTRIBUTE) + SqsBodies.utf8Length(STREAM_ATTRIBUTE) + 2 * STRING.length();

    private final SqsAsyncClient client;
    private final AwsJsonRpcClient direct;
    private final SqsQueues queues;
    private final SqsErrorClassifier classifier;

    /** A sink whose {@code SendMessageBatch} calls the SDK's client builds. */
    SqsSink(SqsAsyncClient client, SqsQueues queues, SqsErrorClassifier classifier) {
        this(client, null, queues, classifier);
    }

    /**
     * A sink whose {@code SendMessageBatch} calls the gateway builds ({@link SqsWire}) and sends on
     * {@code direct}, which it closes; {@code client} stays for the queues' URLs.
     */
    SqsSink(SqsAsyncClient client, AwsJsonRpcClient direct, SqsQueues queues, SqsErrorClassifier classifier) {
        this.client = client;
        this.direct = direct;
        this.queues = queues;
        this.classifier = classifier;
    }

    @Override
    public SinkKind kind() {
        return SinkKind.SQS;
    }

    @Override
    public SinkLimits limits() {
        return SqsLimits.LIMITS;
    }

    /** A FIFO queue keeps order per message group, and the group is the key: so per key by default. */
    @Override
    public boolean ordersPerKeyByDefault(StreamRoutes.Route route) {
        return SqsQueues.isFifo(route.destination());
    }

    /** The message body: without the framing newline, with the escapes of characters SQS refuses. */
    @Override
    public int bytesAsSent(byte[] data) {
        return SqsBodies.bodySize(data);
    }

    /** SQS bills a call as one request per 64 KiB chunk of its payload: bodies and attributes. */
    @Override
    public long billedUnitsOfCall(StreamRoutes.Route route, List<SinkRecord> records) {
        long payload = 0;
        for (SinkRecord record : records) {
            payload += messageSize(route, record);
        }
        return SqsLimits.billedRequests(payload);
    }

    @Override
    public CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> records) {
        return queues.url(route.destination())
                .handle((url, error) -> {
                    if (error != null) {
                        throw new CompletionException(classifier.classify(error));
                    }
                    return url;
                })
                .thenCompose(url -> send(route, url, records));
    }

    private CompletableFuture<BatchResult> send(StreamRoutes.Route route, String url, List<SinkRecord> records) {
        boolean fifo = SqsQueues.isFifo(route.destination());
        RecordOutcome[] outcomes = new RecordOutcome[records.size()];
        List<SqsMessage> messages = new ArrayList<>(records.size());
        long callBytes = 0;
        for (int i = 0; i < records.size(); i++) {
            SinkRecord record = records.get(i);
            String eventId = SqsMessageIds.eventIdAttribute(record.id());
            int size = SqsBodies.bodySize(record.data()) + attributesSize(route, eventId);
            if (size > SqsLimits.MAX_MESSAGE_BYTES) {
                // Only escapes can take a body past the limit the pipeline batched by: never send it.
                outcomes[i] = new RecordOutcome(
                        FailureKind.INVALID_REQUEST,
                        "MessageTooLong",
                        "the message is " + size + " bytes once escaped for SQS, over its "
                                + SqsLimits.MAX_MESSAGE_BYTES);
                continue;
            }
            if (callBytes + size > SqsLimits.MAX_MESSAGE_BYTES) {
                // Escapes took the call past 1 MiB: the rest go in a later call.
                outcomes[i] = new RecordOutcome(
                        FailureKind.RETRYABLE,
                        "CallTooLong",
                        "left for a later call: escapes took this one past 1 MiB");
                continue;
            }
            callBytes += size;
            String group = null;
            String deduplication = null;
            if (fifo) {
                group = SqsMessageIds.fifoId(record.key());
                deduplication = SqsMessageIds.fifoId(record.id());
            } else if (record.key() != null && (route.keyed() || !record.key().equals(record.id()))) {
                // A key other than the id was found by a partition-key, maybe one set when it was journaled.
                group = SqsMessageIds.fifoId(record.key());
            }
            messages.add(SqsMessage.of(SqsMessageIds.entryId(i), record.data(), eventId, group, deduplication));
        }
        if (messages.isEmpty()) {
            return CompletableFuture.completedFuture(new BatchResult(Arrays.asList(outcomes)));
        }
        SqsBatch batch = new SqsBatch(url, route.stream(), messages);
        return sendMessageBatch(batch)
                .handle((response, error) -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(toResult(response, outcomes));
                    }
                    SinkException failure = classifier.classify(error);
                    if (!fifo || !groupQuotaThrottling(failure) || !oneGroup(messages)) {
                        return CompletableFuture.<BatchResult>failedFuture(failure);
                    }
                    return queues.quotaPerGroup(url).thenApply(perGroup -> {
                        if (!perGroup) {
                            throw new CompletionException(failure);
                        }
                        return groupThrottled(outcomes, failure);
                    });
                })
                .thenCompose(result -> result);
    }

    private CompletableFuture<SqsAnswer> sendMessageBatch(SqsBatch batch) {
        if (direct == null) {
            return client.sendMessageBatch(
                            request -> request.queueUrl(batch.url()).entries(batch.toSdk()))
                    .thenApply(SqsAnswer::of);
        }
        return direct.call(
                "SendMessageBatch", SqsWire.sendMessageBatch(batch), answer -> SqsWire.readAnswer(answer, batch));
    }

    /**
     * Whether a whole-call failure may be a FIFO queue's throughput quota: throttling, but not KMS's
     * (a key's quota is the account's, whatever the group).
     */
    private static boolean groupQuotaThrottling(SinkException failure) {
        return failure.kind() == FailureKind.THROTTLED
                && !SqsErrorClassifier.normalize(failure.code()).startsWith("kms");
    }

    private static boolean oneGroup(List<SqsMessage> messages) {
        String group = messages.get(0).groupId();
        for (SqsMessage message : messages) {
            if (!message.groupId().equals(group)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A call of one message group throttled by a queue whose quota is per group: that group is over
     * its quota, not the queue, so each entry sent is answered throttled and only the group backs
     * off (on a {@code per-key} stream, its key's lane); the stream's calls in flight stay.
     */
    private static BatchResult groupThrottled(RecordOutcome[] outcomes, SinkException failure) {
        RecordOutcome[] answered = outcomes.clone();
        for (int i = 0; i < answered.length; i++) {
            if (answered[i] == null) {
                answered[i] = new RecordOutcome(FailureKind.THROTTLED, failure.code(), failure.getMessage());
            }
        }
        return new BatchResult(Arrays.asList(answered));
    }

    private BatchResult toResult(SqsAnswer response, RecordOutcome[] outcomes) {
        RecordOutcome[] answered = outcomes.clone();
        for (SqsAnswer.Accepted entry : response.successful()) {
            int index = SqsMessageIds.entryIndex(entry.id(), answered.length);
            if (index >= 0 && answered[index] == null) {
                answered[index] = RecordOutcome.ACCEPTED;
            }
        }
        for (SqsAnswer.Refused entry : response.failed()) {
            int index = SqsMessageIds.entryIndex(entry.id(), answered.length);
            if (index >= 0 && answered[index] == null) {
                answered[index] = new RecordOutcome(
                        classifier.classifyEntry(entry.code(), entry.senderFault()), entry.code(), entry.message());
            }
        }
        for (int i = 0; i < answered.length; i++) {
            if (answered[i] == null) {
                // Sent, and named in neither list: SQS may have kept it.
                answered[i] = new RecordOutcome(
                        FailureKind.UNKNOWN_OUTCOME, "MissingResult", "SQS answered nothing for this entry");
            }
        }
        return new BatchResult(Arrays.asList(answered));
    }

    /**
     * What a message's attributes add to its size, as SQS counts it: names, types and values; counted
     * without building them, since every call sizes each of its messages again for its bill.
     */
    private static int attributesSize(StreamRoutes.Route route, String eventIdAttribute) {
        return FIXED_ATTRIBUTE_BYTES + SqsBodies.utf8Length(eventIdAttribute) + SqsBodies.utf8Length(route.stream());
    }

    private static int messageSize(StreamRoutes.Route route, SinkRecord record) {
        return SqsBodies.bodySize(record.data()) + attributesSize(route, SqsMessageIds.eventIdAttribute(record.id()));
    }

    @Override
    public void close() {
        if (direct != null) {
            direct.close();
        }
    }
}
