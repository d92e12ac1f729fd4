package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqsMessageIdsTests {

    @Test
    void aKeyOfSqsAlphabetAndLengthIsSentAsItIs() {
        assertThat(SqsMessageIds.fifoId("user-42")).isEqualTo("user-42");
        String punctuation = "a!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~z";
        assertThat(SqsMessageIds.fifoId(punctuation)).isEqualTo(punctuation);
        assertThat(SqsMessageIds.fifoId("x".repeat(128))).isEqualTo("x".repeat(128));
    }

    @Test
    void aKeyTooLongOrOutsideTheAlphabetIsMappedToItsSha256() {
        // Fixed values, not recomputed: the mapping must be the same on every replica, restart and version.
        assertThat(SqsMessageIds.fifoId("x".repeat(129)))
                .isEqualTo("sha256-0ec9eb33e74510bcdd1f2ea55206e82f21649c5c2becbf2b433eb475b34c01bd");
        assertThat(SqsMessageIds.fifoId("user 42"))
                .isEqualTo("sha256-d3f107896983557a456d0f1500256e966ec79eb6ae4d3e0e599354e7ae210f1e");
        assertThat(SqsMessageIds.fifoId("café"))
                .isEqualTo("sha256-850f7dc43910ff890f8879c0ed26fe697c93a067ad93a7d50f466a7028a9bf4e");
        assertThat(SqsMessageIds.fifoId(""))
                .isEqualTo("sha256-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void anIdThatReadsAsAMappedIdIsMappedTooSoTwoIdsNeverShareOne() {
        String longId = "k".repeat(200);
        String mappedLongId = SqsMessageIds.fifoId(longId);

        assertThat(mappedLongId).startsWith("sha256-");
        assertThat(SqsMessageIds.fifoId(mappedLongId))
                .isNotEqualTo(mappedLongId)
                .startsWith("sha256-");
        assertThat(SqsMessageIds.fits(SqsMessageIds.fifoId(mappedLongId))).isTrue();
    }

    @Test
    void aMappedIdFitsSqsAlphabetAndLength() {
        String mapped = SqsMessageIds.fifoId("\u00e9".repeat(500));

        assertThat(mapped).hasSize(71).matches("[!-~]{1,128}");
        assertThat(SqsMessageIds.fits(mapped)).isTrue();
    }

    @Test
    void entryIdsArePositionsWithinSqsAlphabetAndFoundBackOnlyForThisCall() {
        for (int i = 0; i < 10; i++) {
            assertThat(SqsMessageIds.entryId(i)).matches("[A-Za-z0-9_-]{1,80}");
            assertThat(SqsMessageIds.entryIndex(SqsMessageIds.entryId(i), 10)).isEqualTo(i);
        }
        assertThat(SqsMessageIds.entryIndex("10", 10)).isEqualTo(-1);
        assertThat(SqsMessageIds.entryIndex("01", 10)).isEqualTo(-1);
        assertThat(SqsMessageIds.entryIndex("x", 10)).isEqualTo(-1);
        assertThat(SqsMessageIds.entryIndex(null, 10)).isEqualTo(-1);
    }
}
