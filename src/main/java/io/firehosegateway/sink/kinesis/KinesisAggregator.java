package io.firehosegateway.sink.kinesis;

import io.firehosegateway.sink.SinkRecord;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * Packs a call's single-event records into Kinesis records for a {@code pack-format: kpl} stream:
 * records whose partition keys map to the same shard share {@link KinesisAggregate}s, in the order
 * they were given, each aggregate up to a bound in bytes; an aggregate of one record is sent as that
 * record, plain, as the KPL does. A record whose key maps to no known shard (the map is not learned
 * yet) goes plain too, placed by its own key. An event is never split: one too large to share an
 * aggregate goes alone.
 */
final class KinesisAggregator {

    /**
     * One Kinesis record of the call.
     *
     * @param entry what is sent
     * @param shardId the shard its records' keys map to; null for a plain record placed by its own key
     * @param records the indexes, in the call's records, of the user records it holds, in order
     * @param bytes its bytes as Kinesis counts them: data and partition key
     */
    record Packed(PutRecordsRequestEntry entry, String shardId, int[] records, int bytes) {}

    /**
     * A call's records packed.
     *
     * @param packed the Kinesis records, a shard's in the order of their user records
     * @param hashKeys the hash key of each of the call's records, by index
     */
    record Plan(List<Packed> packed, BigInteger[] hashKeys) {}

    private KinesisAggregator() {}

    /**
     * Packs {@code records}.
     *
     * @param maxAggregateBytes the largest an aggregate may be: {@code pack-bytes}, at most the
     *     stream's largest record less a partition key
     */
    static Plan pack(List<SinkRecord> records, KinesisShardMap.Shards shards, int maxAggregateBytes) {
        BigInteger[] hashKeys = new BigInteger[records.size()];
        List<Packed> packed = new ArrayList<>();
        Map<String, Open> openByShard = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            SinkRecord record = records.get(i);
            String partitionKey = KinesisPartitionKeys.partitionKey(record.key());
            BigInteger hashKey = KinesisPartitionKeys.hashKey(partitionKey);
            hashKeys[i] = hashKey;
            KinesisShardMap.Range shard = shards.shardOf(hashKey);
            if (shard == null) {
                packed.add(plain(records, i, partitionKey, null));
                continue;
            }
            Open open = openByShard.get(shard.shardId());
            if (open != null && open.aggregate.sizeWith(partitionKey, null, record.data().length) > maxAggregateBytes) {
                packed.add(open.close(records));
                open = null;
            }
            if (open == null) {
                open = new Open(shard.shardId(), partitionKey, hashKey);
                openByShard.put(shard.shardId(), open);
            }
            open.add(i, partitionKey, record.data());
        }
        for (Open open : openByShard.values()) {
            packed.add(open.close(records));
        }
        return new Plan(packed, hashKeys);
    }

    private static Packed plain(List<SinkRecord> records, int index, String partitionKey, String shardId) {
        byte[] data = records.get(index).data();
        // The pipeline never changes a record's bytes once built, so the SDK may use them as they are.
        PutRecordsRequestEntry entry = PutRecordsRequestEntry.builder()
                .data(SdkBytes.fromByteArrayUnsafe(data))
                .partitionKey(partitionKey)
                .build();
        return new Packed(entry, shardId, new int[] {index}, data.length + utf8Length(partitionKey));
    }

    private static int utf8Length(String key) {
        return key.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The aggregate a shard's records are being added to. */
    private static final class Open {
        final String shardId;
        final String firstKey;
        final BigInteger firstHashKey;
        final KinesisAggregate aggregate = new KinesisAggregate();
        int[] indexes = new int[8];

        Open(String shardId, String firstKey, BigInteger firstHashKey) {
            this.shardId = shardId;
            this.firstKey = firstKey;
            this.firstHashKey = firstHashKey;
        }

        void add(int index, String partitionKey, byte[] data) {
            if (aggregate.count() == indexes.length) {
                indexes = Arrays.copyOf(indexes, indexes.length * 2);
            }
            indexes[aggregate.count()] = index;
            aggregate.add(partitionKey, null, data);
        }

        Packed close(List<SinkRecord> records) {
            if (aggregate.count() == 1) {
                return plain(records, indexes[0], firstKey, shardId);
            }
            byte[] data = aggregate.encode();
            // The first user record's own hash key lies in the shard's range by construction: sent
            // explicitly, it places the aggregate there whatever its partition key hashes to.
            PutRecordsRequestEntry entry = PutRecordsRequestEntry.builder()
                    .data(SdkBytes.fromByteArrayUnsafe(data))
                    .partitionKey(firstKey)
                    .explicitHashKey(firstHashKey.toString())
                    .build();
            return new Packed(
                    entry, shardId, Arrays.copyOf(indexes, aggregate.count()), data.length + utf8Length(firstKey));
        }
    }
}
