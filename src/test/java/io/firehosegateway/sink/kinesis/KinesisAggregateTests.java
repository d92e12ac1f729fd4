package io.firehosegateway.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * The aggregates are read back by the KCL's own deaggregator, an implementation written apart from
 * this one, with a protobuf library: what it finds is what was put in.
 */
class KinesisAggregateTests {

    private static final String[] WIDE_KEYS = {"café", "日本語のキー", "emoji-😀-key", "ключ", "ü".repeat(128)};

    private record UserRecord(String partitionKey, String explicitHashKey, byte[] data) {}

    @RepeatedTest(20)
    void randomUserRecordsDecodeToExactlyWhatWasPutIn() {
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        List<UserRecord> records = new ArrayList<>();
        int count = 1 + random.nextInt(300);
        for (int i = 0; i < count; i++) {
            records.add(randomRecord(random));
        }

        List<KinesisClientRecord> decoded = encodeAndDecode(records);

        assertDecodedAs(decoded, records, "seed " + seed);
    }

    @Test
    void emptyDataAndTheLargestRecordsDataDecodeAsPutIn() {
        byte[] largest = new byte[KinesisLimits.DEFAULT_MAX_RECORD_KIB * 1024 - KinesisPartitionKeys.MAX_KEY_BYTES];
        new Random(7).nextBytes(largest);
        List<UserRecord> records = List.of(
                new UserRecord("empty", null, new byte[0]),
                new UserRecord("k".repeat(256), null, largest),
                new UserRecord("empty", "0", new byte[0]),
                new UserRecord(
                        "日本語のキー",
                        BigInteger.TWO.pow(128).subtract(BigInteger.ONE).toString(),
                        new byte[] {'\n'}));

        assertDecodedAs(encodeAndDecode(records), records, "fixed records");
    }

    @Test
    void aKeysHashKeyIsTheOneTheKclPlacesItBy() {
        // The KCL unpacks an aggregate only when each of its user records' hash keys lies in the
        // shard's range: a range of exactly the key's hash key unpacks it; a range just past it makes
        // the KCL hand the consumer the aggregate's raw bytes instead, not one user record.
        for (String key : List.of("user-42", "café", "emoji-😀-key", "k".repeat(256))) {
            KinesisAggregate aggregate = new KinesisAggregate();
            aggregate.add(key, null, new byte[] {1});
            aggregate.add(key, null, new byte[] {2});
            BigInteger hashKey = KinesisPartitionKeys.hashKey(key);
            KinesisClientRecord record = KinesisClientRecord.builder()
                    .data(ByteBuffer.wrap(aggregate.encode()))
                    .partitionKey(key)
                    .sequenceNumber("1")
                    .build();

            assertThat(new AggregatorUtil().deaggregate(List.of(record), hashKey, hashKey))
                    .as(key)
                    .hasSize(2)
                    .allMatch(KinesisClientRecord::aggregated);
            assertThat(new AggregatorUtil()
                            .deaggregate(
                                    List.of(record),
                                    hashKey.add(BigInteger.ONE),
                                    BigInteger.TWO.pow(128).subtract(BigInteger.ONE)))
                    .as(key)
                    .noneMatch(KinesisClientRecord::aggregated);
        }
    }

    @RepeatedTest(10)
    void theSizeForeseenIsTheSizeEncoded() {
        Random random = new Random();
        KinesisAggregate aggregate = new KinesisAggregate();
        int count = 1 + random.nextInt(200);
        for (int i = 0; i < count; i++) {
            UserRecord record = randomRecord(random);
            int foreseen = aggregate.sizeWith(record.partitionKey(), record.explicitHashKey(), record.data().length);
            aggregate.add(record.partitionKey(), record.explicitHashKey(), record.data());
            assertThat(aggregate.size()).isEqualTo(foreseen);
        }
        assertThat(aggregate.encode()).hasSize(aggregate.size());
        assertThat(aggregate.count()).isEqualTo(count);
    }

    @Test
    void anAggregateStartsWithTheMagicBytesTheKclLooksFor() {
        KinesisAggregate aggregate = new KinesisAggregate();
        aggregate.add("a", null, new byte[] {1});
        byte[] encoded = aggregate.encode();

        assertThat(java.util.Arrays.copyOf(encoded, 4)).isEqualTo(AggregatorUtil.AGGREGATED_RECORD_MAGIC);
    }

    private static UserRecord randomRecord(Random random) {
        String key = switch (random.nextInt(4)) {
            case 0 -> WIDE_KEYS[random.nextInt(WIDE_KEYS.length)];
            case 1 -> "user-" + random.nextInt(20);
            case 2 -> randomAscii(random, 1 + random.nextInt(256));
            default -> randomUnicode(random, 1 + random.nextInt(60));
        };
        String hashKey = random.nextInt(3) == 0 ? new BigInteger(128, random).toString() : null;
        int size = switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> random.nextInt(20_000);
            default -> random.nextInt(300);
        };
        byte[] data = new byte[size];
        random.nextBytes(data);
        return new UserRecord(key, hashKey, data);
    }

    private static String randomAscii(Random random, int length) {
        StringBuilder key = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            key.append((char) (0x20 + random.nextInt(0x5F)));
        }
        return key.toString();
    }

    private static String randomUnicode(Random random, int length) {
        StringBuilder key = new StringBuilder(length);
        while (key.length() < length) {
            int codePoint = random.nextInt(0x2FFFF);
            if (Character.isDefined(codePoint) && !Character.isSurrogate((char) codePoint) && codePoint > 0x20) {
                key.appendCodePoint(codePoint);
            }
        }
        return key.toString();
    }

    private static List<KinesisClientRecord> encodeAndDecode(List<UserRecord> records) {
        KinesisAggregate aggregate = new KinesisAggregate();
        for (UserRecord record : records) {
            aggregate.add(record.partitionKey(), record.explicitHashKey(), record.data());
        }
        byte[] encoded = aggregate.encode();
        assertThat(encoded).hasSize(aggregate.size());
        KinesisClientRecord kinesisRecord = KinesisClientRecord.builder()
                .data(ByteBuffer.wrap(encoded))
                .partitionKey(records.get(0).partitionKey())
                .sequenceNumber("49590338271490256608559692538361571095921575989136588898")
                .build();
        return new AggregatorUtil().deaggregate(List.of(kinesisRecord));
    }

    private static void assertDecodedAs(List<KinesisClientRecord> decoded, List<UserRecord> records, String what) {
        assertThat(decoded).as(what).hasSize(records.size());
        for (int i = 0; i < records.size(); i++) {
            KinesisClientRecord got = decoded.get(i);
            UserRecord put = records.get(i);
            assertThat(got.aggregated()).as(what + ", record " + i).isTrue();
            assertThat(got.subSequenceNumber()).as(what + ", record " + i).isEqualTo(i);
            assertThat(got.partitionKey()).as(what + ", record " + i).isEqualTo(put.partitionKey());
            assertThat(got.explicitHashKey()).as(what + ", record " + i).isEqualTo(put.explicitHashKey());
            byte[] data = new byte[got.data().remaining()];
            got.data().duplicate().get(data);
            assertThat(data).as(what + ", record " + i).isEqualTo(put.data());
        }
    }
}
