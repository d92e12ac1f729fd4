package io.firehosegateway.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KinesisPartitionKeysTests {

    @Test
    void aKeyKinesisTakesIsSentAsItIs() {
        assertThat(KinesisPartitionKeys.partitionKey("user-42")).isEqualTo("user-42");
        assertThat(KinesisPartitionKeys.partitionKey("k".repeat(256))).isEqualTo("k".repeat(256));
        assertThat(KinesisPartitionKeys.partitionKey("café")).isEqualTo("café");
    }

    @Test
    void aLongerKeyIsItsSha256HexTheSameOnEveryReplicaAndVersion() {
        // Fixed digests (computed apart, with Python's hashlib), not a second run of the same code:
        // a change of the mapping would move every long key to another shard, so it must show here.
        assertThat(KinesisPartitionKeys.partitionKey("k".repeat(257)))
                .isEqualTo("a5de0e3c93b4322bf1d2e6cc13119219d665142374de7f2b06bae237759c73e2");
        assertThat(KinesisPartitionKeys.partitionKey("x".repeat(300)))
                .isEqualTo("0d4e2ca9e9cbced7a7a5380eb29e1a3783b9b6d0db72de36a1051038e1c1fbc7");
    }

    @Test
    void aKeyOfManyBytesPerCharacterIsJudgedByItsBytesSoEveryKeyAddsAtMost256Bytes() {
        String wide = "é".repeat(200); // 200 characters, 400 bytes in UTF-8
        String mapped = KinesisPartitionKeys.partitionKey(wide);
        assertThat(mapped).hasSize(64);
        assertThat(mapped.getBytes(StandardCharsets.UTF_8))
                .hasSizeLessThanOrEqualTo(KinesisPartitionKeys.MAX_KEY_BYTES);
    }

    @Test
    void anEmptyKeyWhichKinesisRefusesIsMappedToo() {
        assertThat(KinesisPartitionKeys.partitionKey(""))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(KinesisPartitionKeys.partitionKey(null))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void distinctLongKeysStayDistinct() {
        assertThat(KinesisPartitionKeys.partitionKey("a".repeat(300)))
                .isNotEqualTo(KinesisPartitionKeys.partitionKey("a".repeat(299) + "b"));
    }
}
