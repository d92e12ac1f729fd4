package io.firehosegateway.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.support.KinesisEmulator;
import io.firehosegateway.support.KinesisEmulator.ShardRecords;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * Reads a stream back as a KCL worker does: every shard from its start, each Kinesis record
 * unpacked by the KCL's own deaggregator given the shard's range of hash keys, which hands back no
 * user record whose key maps to another shard. Fails on a record the KCL could not unpack (it
 * hands such a record over raw) and on a user record whose key the shard does not hold.
 */
final class KplReadBack {

    /** One user record as a KCL consumer gets it. */
    record UserRecord(String shard, String partitionKey, String data) {}

    private KplReadBack() {}

    static List<UserRecord> readBack(KinesisEmulator emulator, String destination) {
        List<UserRecord> read = new ArrayList<>();
        for (ShardRecords shard : emulator.shardRecords(destination)) {
            List<KinesisClientRecord> records = shard.records().stream()
                    .map(KinesisClientRecord::fromRecord)
                    .toList();
            BigInteger start = new BigInteger(shard.startingHashKey());
            BigInteger end = new BigInteger(shard.endingHashKey());
            for (KinesisClientRecord user : new AggregatorUtil().deaggregate(records, start, end)) {
                byte[] data = new byte[user.data().remaining()];
                user.data().duplicate().get(data);
                assertThat(Arrays.copyOf(data, Math.min(4, data.length)))
                        .as("a record the KCL could not unpack on shard %s", shard.shard())
                        .isNotEqualTo(AggregatorUtil.AGGREGATED_RECORD_MAGIC);
                BigInteger hashKey = KinesisPartitionKeys.hashKey(user.partitionKey());
                assertThat(hashKey.compareTo(start) >= 0 && hashKey.compareTo(end) <= 0)
                        .as("key %s on shard %s", user.partitionKey(), shard.shard())
                        .isTrue();
                read.add(new UserRecord(shard.shard(), user.partitionKey(), new String(data, StandardCharsets.UTF_8)));
            }
        }
        return read;
    }
}
