package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.PackFormat;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkException;
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
 *
 * <p>A {@code pack-format: kpl} stream's records are single events, which this sink aggregates by
 * shard itself (see {@link #putAggregated}); its limits count events, not Kinesis records.
 */
final class KinesisSink implements Sink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KinesisSink.class);

    /** The error code of a user record that landed in an aggregate on a shard its key no longer maps to. */
    static final String SHARD_MAP_STALE = "ShardMapStale";

    private final KinesisAsyncClient client;
    private final KinesisCalls puts;
    private final KinesisRetryClassifier classifier;
    private final KinesisStreamDescriptions descriptions;
    private final long maxBytesPerCall;
    private final Duration describeWait;
    private final Map<String, SinkLimits> limitsByDestination = new ConcurrentHashMap<>();
    private final Map<String, KinesisShardMap> shardMaps = new ConcurrentHashMap<>();

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
        this(client, KinesisCalls.sdk(client), classifier, descriptions, maxBytesPerCall, describeWait);
    }

    /**
     * A sink whose {@code PutRecords} go out as {@code calls}, which it closes; {@code client} lists
     * shards.
     */
    KinesisSink(
            KinesisAsyncClient client,
            KinesisCalls calls,
            KinesisRetryClassifier classifier,
            KinesisStreamDescriptions descriptions,
            long maxBytesPerCall,
            Duration describeWait) {
        this.client = client;
        this.puts = calls;
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
        SinkLimits limits = limitsByDestination.computeIfAbsent(route.destination(), this::learnLimits);
        if (route.packFormat() != PackFormat.KPL) {
            return limits;
        }
        learnShards(route.destination());
        return KinesisLimits.aggregated(
                maxBytesPerCall, (limits.maxRecordBytes() + KinesisPartitionKeys.MAX_KEY_BYTES) / 1024);
    }

    /**
     * Lists the stream's shards once at start, so the first calls aggregate. A stream whose shards
     * cannot be listed is sent one record per event until a listing succeeds, which every call
     * tries again: never wrong, only dearer.
     */
    private void learnShards(String destination) {
        KinesisShardMap map = shardMap(destination);
        if (!map.current().open().isEmpty()) {
            return;
        }
        try {
            map.refresh(false).get(describeWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.warn(
                    "Could not list the shards of Kinesis stream {} ({}): sending one record per event until they can be",
                    destination,
                    e instanceof ExecutionException
                            ? classifier.classify(e.getCause()).code()
                            : "no answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private KinesisShardMap shardMap(String destination) {
        return shardMaps.computeIfAbsent(
                destination, ignored -> new KinesisShardMap(client, destination, System::nanoTime));
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
        if (route.packFormat() == PackFormat.KPL) {
            return putAggregated(route, records);
        }
        List<PutRecordsRequestEntry> entries = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            // The pipeline never changes a record's bytes once built, so the SDK may use them as they are.
            entries.add(PutRecordsRequestEntry.builder()
                    .data(SdkBytes.fromByteArrayUnsafe(record.data()))
                    .partitionKey(KinesisPartitionKeys.partitionKey(record.key()))
                    .build());
        }
        return puts.putRecords(route.destination(), entries).handle((response, error) -> {
            if (error != null) {
                throw new CompletionException(classifier.classify(error));
            }
            return toResult(response, records.size());
        });
    }

    /**
     * Sends a {@code kpl} stream's records aggregated by shard (see {@link KinesisAggregator}), in
     * as many calls as the aggregates need (one, unless the records touch more shards than a call
     * takes records), and answers for each user record what became of its Kinesis record.
     *
     * <p>An answer that places a Kinesis record on another shard than the map expected means the
     * stream was resharded since the map was made: the map is listed again. If the shard it landed on
     * holds every user record's key, they all landed where they belong; if not, the KCL hands that
     * shard's consumer none of them (it unpacks an aggregate only whole), so all are answered as
     * failed, to be sent again by the new map.
     */
    private CompletableFuture<BatchResult> putAggregated(StreamRoutes.Route route, List<SinkRecord> records) {
        KinesisShardMap map = shardMap(route.destination());
        CompletableFuture<KinesisShardMap.Shards> known = map.current().open().isEmpty()
                ? map.refresh(false).exceptionally(error -> map.current())
                : CompletableFuture.completedFuture(map.current());
        // The stream's limits as a stream that does not aggregate: its largest record, its billing.
        SinkLimits plain = limitsByDestination.computeIfAbsent(route.destination(), this::learnLimits);
        int maxRecordBytes = plain.maxRecordBytes();
        int maxAggregateBytes = route.packBytes() > 0 ? Math.min(route.packBytes(), maxRecordBytes) : maxRecordBytes;
        return known.thenCompose(shards -> {
            KinesisAggregator.Plan plan = KinesisAggregator.pack(records, shards, maxAggregateBytes);
            List<List<KinesisAggregator.Packed>> calls = splitIntoCalls(plan.packed());
            List<CompletableFuture<Answer>> answers = new ArrayList<>(calls.size());
            for (List<KinesisAggregator.Packed> call : calls) {
                answers.add(puts.putRecords(
                                route.destination(),
                                call.stream()
                                        .map(KinesisAggregator.Packed::entry)
                                        .toList())
                        .handle(Answer::new));
            }
            return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                    .thenCompose(ignored -> outcomes(
                            map,
                            plan,
                            calls,
                            answers.stream().map(CompletableFuture::join).toList(),
                            records.size(),
                            plain));
        });
    }

    /** One call's answer, or why there is none. */
    private record Answer(PutRecordsResponse response, Throwable error) {}

    private List<List<KinesisAggregator.Packed>> splitIntoCalls(List<KinesisAggregator.Packed> packed) {
        List<List<KinesisAggregator.Packed>> calls = new ArrayList<>();
        List<KinesisAggregator.Packed> call = new ArrayList<>();
        long bytes = 0;
        for (KinesisAggregator.Packed one : packed) {
            if (!call.isEmpty()
                    && (call.size() == KinesisLimits.MAX_RECORDS_PER_CALL || bytes + one.bytes() > maxBytesPerCall)) {
                calls.add(call);
                call = new ArrayList<>();
                bytes = 0;
            }
            call.add(one);
            bytes += one.bytes();
        }
        if (!call.isEmpty()) {
            calls.add(call);
        }
        return calls;
    }

    private CompletableFuture<BatchResult> outcomes(
            KinesisShardMap map,
            KinesisAggregator.Plan plan,
            List<List<KinesisAggregator.Packed>> calls,
            List<Answer> answers,
            int count,
            SinkLimits billing) {
        RecordOutcome[] outcomes = new RecordOutcome[count];
        List<KinesisAggregator.Packed> landed = new ArrayList<>();
        List<KinesisAggregator.Packed> misplaced = new ArrayList<>();
        List<String> landedOn = new ArrayList<>();
        for (int c = 0; c < calls.size(); c++) {
            List<KinesisAggregator.Packed> call = calls.get(c);
            PutRecordsResponse response = answers.get(c).response();
            if (response == null) {
                SinkException failure = classifier.classify(answers.get(c).error());
                // One call failing whole is the pipeline's to judge whole, as for a stream that does
                // not aggregate: it splits an invalid batch to find the record at fault.
                if (calls.size() == 1 || failure.kind() == FailureKind.INVALID_REQUEST) {
                    return CompletableFuture.failedFuture(failure);
                }
                RecordOutcome failed = new RecordOutcome(failure.kind(), failure.code(), failure.getMessage());
                for (KinesisAggregator.Packed packed : call) {
                    set(outcomes, packed, failed);
                }
                continue;
            }
            for (int e = 0; e < call.size(); e++) {
                KinesisAggregator.Packed packed = call.get(e);
                PutRecordsResultEntry entry = response.records().get(e);
                if (entry.errorCode() != null) {
                    set(
                            outcomes,
                            packed,
                            new RecordOutcome(
                                    classifier.classifyEntry(entry.errorCode()),
                                    entry.errorCode(),
                                    entry.errorMessage()));
                    continue;
                }
                landed.add(packed);
                if (packed.shardId() == null || packed.shardId().equals(entry.shardId()) || entry.shardId() == null) {
                    set(outcomes, packed, RecordOutcome.ACCEPTED);
                } else {
                    misplaced.add(packed);
                    landedOn.add(entry.shardId());
                }
            }
        }
        if (misplaced.isEmpty()) {
            return CompletableFuture.completedFuture(result(outcomes, landed, billing));
        }
        // A shard the map knows (another call listed it already, or moto's closed parent) is judged
        // by it; one it does not know is news of a reshard, worth listing at once.
        boolean news =
                landedOn.stream().anyMatch(shardId -> !map.current().byId().containsKey(shardId));
        CompletableFuture<KinesisShardMap.Shards> known = news
                ? map.refresh(true).exceptionally(error -> map.current())
                : CompletableFuture.completedFuture(map.current());
        return known.thenApply(shards -> {
            for (int m = 0; m < misplaced.size(); m++) {
                KinesisAggregator.Packed packed = misplaced.get(m);
                set(outcomes, packed, judgeLanded(shards.byId().get(landedOn.get(m)), landedOn.get(m), packed, plan));
            }
            return result(outcomes, landed, billing);
        });
    }

    /** The answer, with what the destination took: the user records in each record, the units billed. */
    private static BatchResult result(
            RecordOutcome[] outcomes, List<KinesisAggregator.Packed> landed, SinkLimits billing) {
        List<Integer> userRecords = new ArrayList<>(landed.size());
        long units = 0;
        for (KinesisAggregator.Packed packed : landed) {
            userRecords.add(packed.records().length);
            units += billing.billedUnits(packed.entry().data().asByteBuffer().remaining());
        }
        return new BatchResult(List.of(outcomes), userRecords, units);
    }

    /**
     * What became of an aggregate's user records that landed on another shard than the map expected.
     * The KCL unpacks an aggregate only if the shard holds every key in it, and otherwise hands its
     * consumer none of its user records: so they all landed, or none did.
     */
    private static RecordOutcome judgeLanded(
            KinesisShardMap.Range landed,
            String shardId,
            KinesisAggregator.Packed packed,
            KinesisAggregator.Plan plan) {
        if (landed == null) {
            // The shard is not in the listing (it could not be made): the record may be readable there or not.
            return new RecordOutcome(
                    FailureKind.UNKNOWN_OUTCOME,
                    SHARD_MAP_STALE,
                    "landed on shard " + shardId + ", which the stream's shard listing does not show");
        }
        for (int index : packed.records()) {
            if (!landed.contains(plan.hashKeys()[index])) {
                return new RecordOutcome(
                        FailureKind.RETRYABLE,
                        SHARD_MAP_STALE,
                        "landed in an aggregate on shard " + shardId
                                + ", which not all of its keys map to since a reshard: the KCL unpacks none of it");
            }
        }
        return RecordOutcome.ACCEPTED;
    }

    private static void set(RecordOutcome[] outcomes, KinesisAggregator.Packed packed, RecordOutcome outcome) {
        for (int index : packed.records()) {
            outcomes[index] = outcome;
        }
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

    @Override
    public void close() {
        puts.close();
    }
}
