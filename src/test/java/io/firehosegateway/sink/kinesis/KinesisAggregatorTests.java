package io.firehosegateway.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.sink.SinkRecord;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

class KinesisAggregatorTests {

    private static final BigInteger MAX_HASH_KEY = BigInteger.TWO.pow(128).subtract(BigInteger.ONE);

    /** {@code count} open shards of equal ranges, as a new stream has. */
    static KinesisShardMap.Shards evenShards(int count) {
        List<Shard> shards = new ArrayList<>();
        BigInteger step = BigInteger.TWO.pow(128).divide(BigInteger.valueOf(count));
        for (int i = 0; i < count; i++) {
            BigInteger start = step.multiply(BigInteger.valueOf(i));
            BigInteger end = i == count - 1 ? MAX_HASH_KEY : start.add(step).subtract(BigInteger.ONE);
            shards.add(shard("shardId-" + i, start, end, true));
        }
        return KinesisShardMap.Shards.of(shards);
    }

    static Shard shard(String id, BigInteger start, BigInteger end, boolean open) {
        return Shard.builder()
                .shardId(id)
                .hashKeyRange(HashKeyRange.builder()
                        .startingHashKey(start.toString())
                        .endingHashKey(end.toString())
                        .build())
                .sequenceNumberRange(SequenceNumberRange.builder()
                        .startingSequenceNumber("1")
                        .endingSequenceNumber(open ? null : "2")
                        .build())
                .build();
    }

    static List<SinkRecord> events(int count, int users, int bytes) {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "e" + i;
            String body = "{\"id\":\"" + id + "\",\"user\":\"u" + (i % users) + "\",\"pad\":\"";
            String padded = body + "x".repeat(Math.max(0, bytes - body.length() - 3)) + "\"}\n";
            records.add(new SinkRecord(padded.getBytes(StandardCharsets.UTF_8), "u" + (i % users), id));
        }
        return records;
    }

    @Test
    void eachAggregateHoldsOnlyUserRecordsOfItsShardInTheirOrderWithinItsBound() {
        KinesisShardMap.Shards shards = evenShards(4);
        List<SinkRecord> records = events(2_000, 50, 200);

        KinesisAggregator.Plan plan = KinesisAggregator.pack(records, shards, 4 * 1024);

        Map<String, Integer> lastIndexByShard = new HashMap<>();
        int userRecords = 0;
        for (KinesisAggregator.Packed packed : plan.packed()) {
            KinesisShardMap.Range range = shards.byId().get(packed.shardId());
            byte[] data = packed.entry().data().asByteArray();
            assertThat(data.length).isLessThanOrEqualTo(4 * 1024);
            assertThat(range.contains(new BigInteger(
                            packed.entry().explicitHashKey() != null
                                    ? packed.entry().explicitHashKey()
                                    : KinesisPartitionKeys.hashKey(
                                                    packed.entry().partitionKey())
                                            .toString())))
                    .isTrue();
            List<KinesisClientRecord> unpacked = new AggregatorUtil()
                    .deaggregate(
                            List.of(KinesisClientRecord.builder()
                                    .data(ByteBuffer.wrap(data))
                                    .partitionKey(packed.entry().partitionKey())
                                    .sequenceNumber("1")
                                    .build()),
                            range.start(),
                            range.end());
            assertThat(unpacked).hasSize(packed.records().length);
            for (int i = 0; i < unpacked.size(); i++) {
                int index = packed.records()[i];
                assertThat(unpacked.get(i).partitionKey())
                        .isEqualTo(records.get(index).key());
                ByteBuffer got = unpacked.get(i).data();
                assertThat(got).isEqualTo(ByteBuffer.wrap(records.get(index).data()));
                Integer last = lastIndexByShard.put(packed.shardId(), index);
                assertThat(last == null || last < index)
                        .as("order within shard")
                        .isTrue();
            }
            userRecords += packed.records().length;
        }
        assertThat(userRecords).isEqualTo(records.size());
        // 2,000 events of 200 bytes in aggregates of 4 KiB: about 20 to an aggregate.
        assertThat(plan.packed().size()).isLessThan(records.size() / 10);
    }

    @Test
    void anEventTooLargeToShareAnAggregateGoesAlonePlainAndIsNeverSplit() {
        KinesisShardMap.Shards shards = evenShards(1);
        List<SinkRecord> records = new ArrayList<>(events(3, 1, 100));
        records.add(1, new SinkRecord(new byte[5_000], "u0", "large"));

        KinesisAggregator.Plan plan = KinesisAggregator.pack(records, shards, 1_000);

        assertThat(plan.packed()).extracting(packed -> packed.records().length).containsExactly(1, 1, 2);
        KinesisAggregator.Packed large = plan.packed().get(1);
        assertThat(large.entry().data().asByteArray()).isEqualTo(records.get(1).data());
        assertThat(large.entry().partitionKey()).isEqualTo("u0");
        assertThat(large.bytes()).isEqualTo(5_000 + 2);
    }

    @Test
    void withoutAShardMapEveryEventGoesPlainPlacedByItsOwnKey() {
        List<SinkRecord> records = events(10, 3, 100);

        KinesisAggregator.Plan plan = KinesisAggregator.pack(records, KinesisShardMap.Shards.NONE, 4 * 1024);

        assertThat(plan.packed()).hasSize(10).allSatisfy(packed -> {
            assertThat(packed.shardId()).isNull();
            assertThat(packed.entry().explicitHashKey()).isNull();
        });
    }
}
