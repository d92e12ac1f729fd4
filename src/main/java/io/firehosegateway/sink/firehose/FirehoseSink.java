package io.firehosegateway.sink.firehose;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.sink.aws.AwsJsonRpcClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Sends each batch as one {@code PutRecordBatch} call and maps the answer entry by entry: the call
 * built by the SDK's client, or by the gateway itself ({@link FirehoseWire}); both fail alike, for
 * {@link FirehoseRetryClassifier} to read.
 */
final class FirehoseSink implements Sink, AutoCloseable {

    private final FirehoseAsyncClient client;
    private final AwsJsonRpcClient direct;
    private final FirehoseRetryClassifier classifier;

    /** A sink whose calls the SDK's client builds. */
    FirehoseSink(FirehoseAsyncClient client, FirehoseRetryClassifier classifier) {
        this(client, null, classifier);
    }

    /** A sink whose calls the gateway builds and sends on {@code direct}, which it closes. */
    FirehoseSink(AwsJsonRpcClient direct, FirehoseRetryClassifier classifier) {
        this(null, direct, classifier);
    }

    private FirehoseSink(FirehoseAsyncClient client, AwsJsonRpcClient direct, FirehoseRetryClassifier classifier) {
        this.client = client;
        this.direct = direct;
        this.classifier = classifier;
    }

    @Override
    public SinkKind kind() {
        return SinkKind.FIREHOSE;
    }

    /** A throttled entry means the delivery stream is over its quota: Firehose has no partitions. */
    @Override
    public boolean recordThrottlingIsDestinationWide() {
        return true;
    }

    @Override
    public SinkLimits limits() {
        return FirehoseLimits.LIMITS;
    }

    @Override
    public CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> records) {
        if (direct != null) {
            return direct.call(
                            "PutRecordBatch",
                            FirehoseWire.putRecordBatch(route.destination(), records),
                            answer -> FirehoseWire.readAnswer(answer, classifier))
                    .handle((result, error) -> {
                        if (error != null) {
                            throw new CompletionException(classifier.classify(error));
                        }
                        return result;
                    });
        }
        List<Record> entries = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            // The pipeline never changes a record's bytes once built, so the SDK may use them as they are.
            entries.add(Record.builder()
                    .data(SdkBytes.fromByteArrayUnsafe(record.data()))
                    .build());
        }
        PutRecordBatchRequest request = PutRecordBatchRequest.builder()
                .deliveryStreamName(route.destination())
                .records(entries)
                .build();
        return client.putRecordBatch(request).handle((response, error) -> {
            if (error != null) {
                throw new CompletionException(classifier.classify(error));
            }
            return toResult(response);
        });
    }

    private BatchResult toResult(PutRecordBatchResponse response) {
        if (response.failedPutCount() == null || response.failedPutCount() == 0) {
            return BatchResult.allAccepted(response.requestResponses().size());
        }
        List<RecordOutcome> outcomes =
                new ArrayList<>(response.requestResponses().size());
        for (PutRecordBatchResponseEntry entry : response.requestResponses()) {
            outcomes.add(
                    entry.errorCode() == null
                            ? RecordOutcome.ACCEPTED
                            : new RecordOutcome(
                                    classifier.classifyEntry(entry.errorCode()),
                                    entry.errorCode(),
                                    entry.errorMessage()));
        }
        return new BatchResult(outcomes);
    }

    @Override
    public void close() {
        if (direct != null) {
            direct.close();
        }
    }
}
