package io.firehosegateway.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.PackFormat;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * The sink's side of a {@code kpl} stream against a Kinesis scripted in the test: what it answers
 * for each user record when an aggregate lands, fails, or lands on a shard the map did not expect.
 */
class KinesisSinkAggregationTests {

    private static final BigInteger HALF = BigInteger.TWO.pow(127);
    private static final BigInteger QUARTER = BigInteger.TWO.pow(126);
    private static final BigInteger MAX = BigInteger.TWO.pow(128).subtract(BigInteger.ONE);
    private static final StreamRoutes.Route ROUTE =
            new StreamRoutes.Route("clicks", "clicks", SinkKind.KINESIS, true, PackFormat.KPL, 64 * 1024);

    /** A Kinesis whose shards and answers the test sets. */
    static final class ScriptedKinesis implements KinesisAsyncClient {
        final AtomicReference<List<Shard>> shards = new AtomicReference<>();
        final List<PutRecordsRequest> puts = new CopyOnWriteArrayList<>();
        final List<ListShardsRequest> listings = new CopyOnWriteArrayList<>();
        Function<PutRecordsRequestEntry, PutRecordsResultEntry> answer;

        @Override
        public String serviceName() {
            return "kinesis";
        }

        @Override
        public void close() {}

        @Override
        public CompletableFuture<DescribeStreamSummaryResponse> describeStreamSummary(
                DescribeStreamSummaryRequest request) {
            return CompletableFuture.failedFuture(new IllegalStateException("not described in this test"));
        }

        @Override
        public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
            listings.add(request);
            return CompletableFuture.completedFuture(
                    ListShardsResponse.builder().shards(shards.get()).build());
        }

        @Override
        public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
            puts.add(request);
            List<PutRecordsResultEntry> entries = new ArrayList<>();
            int failed = 0;
            for (PutRecordsRequestEntry entry : request.records()) {
                PutRecordsResultEntry result = answer.apply(entry);
                failed += result.errorCode() != null ? 1 : 0;
                entries.add(result);
            }
            return CompletableFuture.completedFuture(PutRecordsResponse.builder()
                    .records(entries)
                    .failedRecordCount(failed)
                    .build());
        }
    }

    private static KinesisSink sink(ScriptedKinesis kinesis) {
        KinesisRetryClassifier classifier = new KinesisRetryClassifier();
        return new KinesisSink(
                kinesis,
                classifier,
                new KinesisStreamDescriptions(kinesis, classifier),
                5 * 1024 * 1024,
                Duration.ofSeconds(5));
    }

    private static BatchResult put(KinesisSink sink, List<SinkRecord> records) throws Exception {
        return sink.putRecords(ROUTE, records).get(5, TimeUnit.SECONDS);
    }

    private static PutRecordsResultEntry landedOn(String shardId) {
        return PutRecordsResultEntry.builder()
                .shardId(shardId)
                .sequenceNumber("1")
                .build();
    }

    @Test
    void aKplStreamsLimitsCountUserRecordsAndLearnTheShardsAtStart() {
        ScriptedKinesis kinesis = new ScriptedKinesis();
        kinesis.shards.set(List.of(KinesisAggregatorTests.shard("shardId-0", BigInteger.ZERO, MAX, true)));
        KinesisSink sink = sink(kinesis);

        SinkLimits limits = sink.limits(ROUTE);

        assertThat(limits.maxRecordsPerCall()).isGreaterThan(KinesisLimits.MAX_RECORDS_PER_CALL);
        assertThat(limits.maxEventsPerRecord()).isEqualTo(1);
        assertThat(kinesis.listings).hasSize(1);
    }

    @Test
    void everyUserRecordOfAnAggregateGetsItsAnswer() throws Exception {
        ScriptedKinesis kinesis = new ScriptedKinesis();
        kinesis.shards.set(List.of(
                KinesisAggregatorTests.shard("shardId-0", BigInteger.ZERO, HALF.subtract(BigInteger.ONE), true),
                KinesisAggregatorTests.shard("shardId-1", HALF, MAX, true)));
        kinesis.answer = entry -> new BigInteger(hashKeyOf(entry)).compareTo(HALF) < 0
                ? PutRecordsResultEntry.builder()
                        .errorCode("ProvisionedThroughputExceededException")
                        .errorMessage("Rate exceeded for shard shardId-0")
                        .build()
                : landedOn("shardId-1");
        KinesisSink sink = sink(kinesis);
        sink.limits(ROUTE);
        List<SinkRecord> records = KinesisAggregatorTests.events(200, 20, 100);

        BatchResult result = put(sink, records);

        assertThat(kinesis.puts).hasSize(1);
        assertThat(kinesis.puts.get(0).records()).hasSize(2);
        long upperHalf = records.stream()
                .filter(record -> KinesisPartitionKeys.hashKey(record.key()).compareTo(HALF) >= 0)
                .count();
        // Only the aggregate that landed counts: its user records, one 25 KiB payload unit.
        assertThat(result.userRecordsPerRecord()).containsExactly((int) upperHalf);
        assertThat(result.billedUnits()).isEqualTo(1);
        for (int i = 0; i < records.size(); i++) {
            boolean lowerHalf =
                    KinesisPartitionKeys.hashKey(records.get(i).key()).compareTo(HALF) < 0;
            RecordOutcome outcome = result.outcomes().get(i);
            if (lowerHalf) {
                assertThat(outcome.kind()).isEqualTo(FailureKind.THROTTLED);
            } else {
                assertThat(outcome.accepted()).isTrue();
            }
        }
    }

    @Test
    void anEventOfAnAggregateLandedOnAShardSplitSinceIsAcceptedOnlyIfTheKclHandsItToThatShardsConsumer()
            throws Exception {
        ScriptedKinesis kinesis = new ScriptedKinesis();
        kinesis.shards.set(List.of(KinesisAggregatorTests.shard("shardId-0", BigInteger.ZERO, MAX, true)));
        KinesisSink sink = sink(kinesis);
        sink.limits(ROUTE);
        // Split between the map's listing and the call: shard 0 is closed, 1 holds the lower
        // quarter of hash keys and 2 the rest. Kinesis places each record by its explicit hash key.
        kinesis.shards.set(List.of(
                KinesisAggregatorTests.shard("shardId-0", BigInteger.ZERO, MAX, false),
                KinesisAggregatorTests.shard("shardId-1", BigInteger.ZERO, QUARTER.subtract(BigInteger.ONE), true),
                KinesisAggregatorTests.shard("shardId-2", QUARTER, MAX, true)));
        kinesis.answer =
                entry -> landedOn(new BigInteger(hashKeyOf(entry)).compareTo(QUARTER) < 0 ? "shardId-1" : "shardId-2");
        List<SinkRecord> records = KinesisAggregatorTests.events(200, 40, 100);

        BatchResult result = put(sink, records);

        // What a consumer of each shard gets: the KCL's deaggregator, given the shard's range.
        Set<String> handedOut = new HashSet<>();
        int mixed = 0;
        for (PutRecordsRequestEntry entry : kinesis.puts.get(0).records()) {
            boolean lowerQuarter = new BigInteger(hashKeyOf(entry)).compareTo(QUARTER) < 0;
            BigInteger start = lowerQuarter ? BigInteger.ZERO : QUARTER;
            BigInteger end = lowerQuarter ? QUARTER.subtract(BigInteger.ONE) : MAX;
            KinesisClientRecord landed = KinesisClientRecord.builder()
                    .data(entry.data().asByteBuffer())
                    .partitionKey(entry.partitionKey())
                    .explicitHashKey(entry.explicitHashKey())
                    .build();
            List<KinesisClientRecord> users = new AggregatorUtil().deaggregate(List.of(landed), start, end);
            long unpacked =
                    users.stream().filter(KinesisClientRecord::aggregated).count();
            boolean aggregate = entry.data().asByteArray().length >= 4
                    && java.util.Arrays.equals(
                            entry.data().asByteArray(), 0, 4, AggregatorUtil.AGGREGATED_RECORD_MAGIC, 0, 4);
            if (aggregate && unpacked == 0) {
                // The KCL unpacks none of an aggregate holding a key the shard does not hold.
                mixed++;
                continue;
            }
            for (KinesisClientRecord user : users) {
                byte[] data = new byte[user.data().remaining()];
                user.data().duplicate().get(data);
                handedOut.add(user.partitionKey() + '\n' + new String(data, StandardCharsets.UTF_8));
            }
        }
        assertThat(mixed).as("aggregates that straddle the split").isPositive();
        int accepted = 0;
        for (int i = 0; i < records.size(); i++) {
            SinkRecord record = records.get(i);
            RecordOutcome outcome = result.outcomes().get(i);
            if (handedOut.contains(record.key() + '\n' + new String(record.data(), StandardCharsets.UTF_8))) {
                assertThat(outcome.accepted()).as("record %d", i).isTrue();
                accepted++;
            } else {
                assertThat(outcome.kind()).as("record %d", i).isEqualTo(FailureKind.RETRYABLE);
                assertThat(outcome.errorCode()).isEqualTo(KinesisSink.SHARD_MAP_STALE);
            }
        }
        assertThat(accepted).as("events whose aggregate the KCL unpacked").isEqualTo(handedOut.size());
        assertThat(kinesis.listings).hasSize(2);

        // Sent again, the failed ones are aggregated by the new map, each on its own shard.
        List<SinkRecord> again = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (!result.outcomes().get(i).accepted()) {
                again.add(records.get(i));
            }
        }
        BatchResult retried = put(sink, again);
        assertThat(retried.outcomes()).allMatch(RecordOutcome::accepted);
    }

    @Test
    void anAggregateSentOverMoreCallsThanOneWhenItsShardsNeedMoreThan500Records() throws Exception {
        ScriptedKinesis kinesis = new ScriptedKinesis();
        List<Shard> shards = new ArrayList<>();
        KinesisShardMap.Shards even = KinesisAggregatorTests.evenShards(600);
        for (KinesisShardMap.Range range : even.open()) {
            shards.add(KinesisAggregatorTests.shard(range.shardId(), range.start(), range.end(), true));
        }
        kinesis.shards.set(shards);
        KinesisSink sink = sink(kinesis);
        sink.limits(ROUTE);
        kinesis.answer =
                entry -> landedOn(even.shardOf(new BigInteger(hashKeyOf(entry))).shardId());
        List<SinkRecord> records = KinesisAggregatorTests.events(3_000, 3_000, 100);

        BatchResult result = put(sink, records);

        assertThat(kinesis.puts.size()).isGreaterThan(1);
        assertThat(kinesis.puts).allSatisfy(call -> assertThat(call.records()).hasSizeLessThanOrEqualTo(500));
        assertThat(result.outcomes()).hasSize(3_000).allMatch(RecordOutcome::accepted);
    }

    private static String hashKeyOf(PutRecordsRequestEntry entry) {
        return entry.explicitHashKey() != null
                ? entry.explicitHashKey()
                : KinesisPartitionKeys.hashKey(entry.partitionKey()).toString();
    }
}
