package io.firehosegateway.sink.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqsLimitsTests {

    @Test
    void tenEntriesAndOneMibACallWithRoomForEachMessagesAttributes() {
        assertThat(SqsLimits.LIMITS.maxRecordsPerCall()).isEqualTo(10);
        assertThat(SqsLimits.LIMITS.maxBytesPerCall()).isEqualTo(1024 * 1024);
        // The largest event and its attributes make exactly one full message.
        assertThat(SqsLimits.LIMITS.encodedSize(SqsLimits.LIMITS.maxRecordBytes()))
                .isEqualTo(1024 * 1024);
        assertThat(SqsLimits.LIMITS.maxEventsPerRecord()).isEqualTo(1);
        assertThat(SqsLimits.LIMITS.billingUnitBytes()).isZero();
    }

    @Test
    void aCallIsBilledOneRequestPer64KibChunk() {
        assertThat(SqsLimits.billedRequests(0)).isEqualTo(1);
        assertThat(SqsLimits.billedRequests(1)).isEqualTo(1);
        assertThat(SqsLimits.billedRequests(64 * 1024)).isEqualTo(1);
        assertThat(SqsLimits.billedRequests(64 * 1024 + 1)).isEqualTo(2);
        assertThat(SqsLimits.billedRequests(1024 * 1024)).isEqualTo(16);
    }
}
