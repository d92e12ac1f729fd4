package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Sends each batch as one {@code PutRecords} call and maps the answer entry by entry. A destination
 * is a stream's name, or its ARN (sent as {@code StreamARN}, for a stream of another account).
 *
 * <p>Each stream's limits are learned once, when the pipeline asks for them at start, from
 * {@code DescribeStreamSummary}: its largest record ({@code MaxRecordSizeInKiB}) and its billing
 * mode (one call, allowed 20 s: it is the first of a cold JVM). When the stream cannot be described (moto gives no largest record, a producer role may not
 * be allowed to describe) the defaults hold: 1 MiB records, billed as a provisioned stream.
 */
final class KinesisSink implements Sink {

    private static final Logger log = LoggerFactory.getLogger(KinesisSink.class);

    private final KinesisAsyncClient client;
    private final KinesisRetryClassifier classifier;
    private final KinesisStreamDescriptions descriptions;
    private final long maxBytesPerCall;
    private final Duration describeWait;
    private final Map<String, SinkLimits> limitsByDestination = new ConcurrentHashMap<>();

    /**
     * @param maxBytesPerCall the call's bytes as Kinesis counts them
     * @param describeWait how long the start waits for a stream's description before taking the defaults
     */
    KinesisSink(
            KinesisAsyncClient client,
            KinesisRetryClassifier classifier,
            KinesisStreamDescriptions descriptions,
            long maxBytesPerCall,
            Duration describeWait) {
        this.client = client;
        this.classifier = classifier;
        this.descriptions = descriptions;
        this.maxBytesPerCall = maxBytesPerCall;
        this.describeWait = describeWait;
    }

    @Override
    public SinkKind kind() {
        return SinkKind.KINESIS;
    }

    @Override
    public SinkLimits limits() {
        return KinesisLimits.of(maxBytesPerCall, KinesisLimits.DEFAULT_MAX_RECORD_KIB, false);
    }

    @Override
    public SinkLimits limits(StreamRoutes.Route route) {
        String invalid = KinesisStreamDescriptions.invalid(route.destination());
        if (invalid != null) {
            throw new IllegalArgumentException(
                    "gateway.streams." + route.stream() + ".destination " + route.destination() + " " + invalid);
        }
        return limitsByDestination.computeIfAbsent(route.destination(), this::learnLimits);
    }

    private SinkLimits learnLimits(String destination) {
        KinesisStreamDescriptions.Description description;
        try {
            description = descriptions.describe(destination).get(describeWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            description = new KinesisStreamDescriptions.Description(null, null, null, "no answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            description = new KinesisStreamDescriptions.Description(null, null, null, "interrupted");
        }
        int maxRecordKiB =
                description.maxRecordKiB() != null ? description.maxRecordKiB() : KinesisLimits.DEFAULT_MAX_RECORD_KIB;
        boolean onDemand = Boolean.TRUE.equals(description.onDemand());
        if (description.failure() != null) {
            log.info(
                    "Could not describe Kinesis stream {} ({}): taking records of up to {} KiB, billed as provisioned",
                    destination,
                    description.failure(),
                    maxRecordKiB);
        } else if (description.maxRecordKiB() == null || description.onDemand() == null) {
            log.info(
                    "Kinesis stream {} gave no {}: taking records of up to {} KiB, billed as {}",
                    destination,
                    description.maxRecordKiB() == null ? "largest record size" : "stream mode",
                    maxRecordKiB,
                    onDemand ? "on-demand" : "provisioned");
        }
        return KinesisLimits.of(maxBytesPerCall, maxRecordKiB, onDemand);
    }

    @Override
    public CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> records) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            // The pipeline never changes a record's bytes once built, so the SDK may use them as they are.
            entries.add(PutRecordsRequestEntry.builder()
                    .data(SdkBytes.fromByteArrayUnsafe(record.data()))
                    .partitionKey(KinesisPartitionKeys.partitionKey(record.key()))
                    .build());
        }
        PutRecordsRequest.Builder request = PutRecordsRequest.builder().records(entries);
        if (KinesisStreamDescriptions.isArn(route.destination())) {
            request.streamARN(route.destination());
        } else {
            request.streamName(route.destination());
        }
        return client.putRecords(request.build()).handle((response, error) -> {
            if (error != null) {
                throw new CompletionException(classifier.classify(error));
            }
            return toResult(response, records.size());
        });
    }

    private BatchResult toResult(PutRecordsResponse response, int sent) {
        if (response.failedRecordCount() == null || response.failedRecordCount() == 0) {
            return BatchResult.allAccepted(sent);
        }
        List<RecordOutcome> outcomes = new ArrayList<>(response.records().size());
        for (PutRecordsResultEntry entry : response.records()) {
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
}
