package io.firehosebench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bench fake's shards, through the real SDK client: they split the hash-key space, place each
 * record where Kinesis would, and refuse, record by record, what a shard cannot take in a second.
 * Its clock is the test's, so a second ends only when the test says.
 */
class FakeFirehoseKinesisShardsTests {

    private static final BigInteger LAST_HASH_KEY =
            BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private final AtomicLong now = new AtomicLong(1_000_000);
    private FakeFirehose fake;
    private KinesisAsyncClient kinesis;

    @BeforeEach
    void start() throws Exception {
        fake = new FakeFirehose(0, now::get);
        fake.start();
        fake.setKinesisShards(2);
        kinesis = FakeKinesisClients.of(fake, false);
    }

    @AfterEach
    void stop() {
        kinesis.close();
        fake.close();
    }

    @Test
    void listsShardsThatCoverTheHashKeySpaceWithoutGaps() {
        List<Shard> shards =
                kinesis.listShards(r -> r.streamName("clicks")).join().shards();

        assertThat(shards).extracting(Shard::shardId).containsExactly("shardId-000000000000", "shardId-000000000001");
        assertThat(new BigInteger(shards.get(0).hashKeyRange().startingHashKey()))
                .isZero();
        assertThat(new BigInteger(shards.get(0).hashKeyRange().endingHashKey()).add(BigInteger.ONE))
                .isEqualTo(new BigInteger(shards.get(1).hashKeyRange().startingHashKey()));
        assertThat(new BigInteger(shards.get(1).hashKeyRange().endingHashKey())).isEqualTo(LAST_HASH_KEY);
    }

    @Test
    void refusesTheRecordsBeyondAShardsThousandInASecondAloneAndTakesThemInTheNext() {
        List<PutRecordsRequestEntry> toFirstShard = IntStream.range(0, 500)
                .mapToObj(i -> entry("k" + i, BigInteger.valueOf(i), "{}\n"))
                .toList();
        PutRecordsRequestEntry toSecondShard = entry("other", LAST_HASH_KEY, "{}\n");

        put(toFirstShard);
        put(toFirstShard);
        List<PutRecordsRequestEntry> third = new ArrayList<>(toFirstShard.subList(0, 2));
        third.add(toSecondShard);
        PutRecordsResponse refused = put(third);

        assertThat(refused.failedRecordCount()).isEqualTo(2);
        assertThat(refused.records())
                .extracting(PutRecordsResultEntry::errorCode)
                .containsExactly(
                        "ProvisionedThroughputExceededException", "ProvisionedThroughputExceededException", null);
        assertThat(refused.records().get(2).shardId()).isEqualTo("shardId-000000000001");

        now.addAndGet(1000);
        PutRecordsResponse nextSecond = put(toFirstShard.subList(0, 2));

        assertThat(nextSecond.failedRecordCount()).isZero();
        assertThat(nextSecond.records())
                .extracting(PutRecordsResultEntry::shardId)
                .containsOnly("shardId-000000000000");
        JsonNode firstShard = shard("clicks", "shardId-000000000000");
        assertThat(firstShard.get("records").asLong()).isEqualTo(1002);
        assertThat(firstShard.get("throttled").asLong()).isEqualTo(2);
    }

    @Test
    void refusesTheRecordThatWouldTakeAShardPastOneMebibyteInASecondCountingItsPartitionKey() {
        String data = "x".repeat(100 * 1024);
        List<PutRecordsRequestEntry> eleven = IntStream.range(0, 11)
                .mapToObj(i -> entry("key", BigInteger.ONE, data))
                .toList();

        PutRecordsResponse answer = put(eleven);

        assertThat(answer.failedRecordCount()).isEqualTo(1);
        assertThat(answer.records().get(10).errorCode()).isEqualTo("ProvisionedThroughputExceededException");
        assertThat(shard("clicks", "shardId-000000000000").get("bytes").asLong())
                .isEqualTo(10 * (100 * 1024 + "key".length()));
    }

    @Test
    void placesARecordWithoutAnExplicitHashKeyByItsPartitionKeysMd5() throws Exception {
        String key = "user-7";
        BigInteger md5 =
                new BigInteger(1, MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8)));
        String expected = md5.testBit(127) ? "shardId-000000000001" : "shardId-000000000000";

        PutRecordsResponse answer = put(List.of(PutRecordsRequestEntry.builder()
                .partitionKey(key)
                .data(SdkBytes.fromUtf8String("{}\n"))
                .build()));

        assertThat(answer.records().get(0).shardId()).isEqualTo(expected);
    }

    @Test
    void countsTheUserRecordsOfAKplAggregateAndTheLinesOfAnyOtherRecordAsEvents() {
        byte[] aggregate = aggregate("{\"n\":1}\n", "{\"n\":2}\n", "{\"n\":3}\n");

        put(List.of(
                entry("a", BigInteger.ONE, "{\"n\":1}\n{\"n\":2}\n"),
                PutRecordsRequestEntry.builder()
                        .partitionKey("b")
                        .explicitHashKey("2")
                        .data(SdkBytes.fromByteArray(aggregate))
                        .build()));

        JsonNode stream = stats().get("streams").get("clicks");
        assertThat(stream.get("records").asLong()).isEqualTo(2);
        assertThat(stream.get("events").asLong()).isEqualTo(5);
    }

    /**
     * A KPL aggregate as the format defines it: the magic bytes, an {@code AggregatedRecord} with a
     * partition-key table of one key (field 1) and a user record per event (field 3: key index 0,
     * data in field 3 of the record), then an MD5 the fake does not check.
     */
    private static byte[] aggregate(String... events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2});
        out.write(0x0A);
        out.write(1);
        out.write('b');
        for (String event : events) {
            byte[] data = event.getBytes(StandardCharsets.UTF_8);
            out.write(0x1A);
            out.write(2 + 2 + data.length);
            out.writeBytes(new byte[] {0x08, 0x00, 0x1A, (byte) data.length});
            out.writeBytes(data);
        }
        out.writeBytes(new byte[16]);
        return out.toByteArray();
    }

    private static PutRecordsRequestEntry entry(String key, BigInteger hashKey, String data) {
        return PutRecordsRequestEntry.builder()
                .partitionKey(key)
                .explicitHashKey(hashKey.toString())
                .data(SdkBytes.fromUtf8String(data))
                .build();
    }

    private PutRecordsResponse put(List<PutRecordsRequestEntry> entries) {
        return kinesis.putRecords(r -> r.streamName("clicks").records(entries)).join();
    }

    private JsonNode shard(String stream, String shardId) {
        return stats().get("streams").get(stream).get("shards").get(shardId);
    }

    private JsonNode stats() {
        return JsonMapper.builder().build().readTree(fake.stats());
    }
}
