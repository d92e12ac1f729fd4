package io.firehosegateway.sink.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.sink.SinkLimits;
import org.junit.jupiter.api.Test;

class KinesisLimitsTests {

    private static final long TEN_MIB = 10L * 1024 * 1024;

    @Test
    void aDefaultStreamTakes500RecordsOf1MiBKeyIncludedCountedRaw() {
        SinkLimits limits = KinesisLimits.of(TEN_MIB, KinesisLimits.DEFAULT_MAX_RECORD_KIB, false);

        assertThat(limits.maxRecordsPerCall()).isEqualTo(500);
        assertThat(limits.maxBytesPerCall()).isEqualTo(TEN_MIB);
        assertThat(limits.encoding()).isEqualTo(SinkLimits.Encoding.RAW);
        // Data plus the key (at most 256 bytes) is what Kinesis holds to 1 MiB.
        assertThat(limits.maxRecordBytes() + limits.recordOverheadBytes()).isEqualTo(1024 * 1024);
        assertThat(limits.encodedSize(100)).isEqualTo(100 + 256);
    }

    @Test
    void aKplStreamsCallCountsEventsEachWithTheMostAnAggregateAddsForItAndRoomFor500Aggregates() {
        SinkLimits limits = KinesisLimits.aggregated(5L * 1024 * 1024, KinesisLimits.DEFAULT_MAX_RECORD_KIB);

        assertThat(limits.maxRecordsPerCall()).isEqualTo(20_000);
        assertThat(limits.maxEventsPerRecord()).isEqualTo(1);
        assertThat(limits.billingUnitBytes())
                .as("billed per aggregate, by the sink")
                .isZero();
        // An event alone is sent plain, so the largest is that of a stream that does not aggregate.
        assertThat(limits.maxRecordBytes()).isEqualTo(1024 * 1024 - 256);
        // The worst an aggregate adds for a user record: a new 256-byte key in its table and the
        // record's framing; and per aggregate its magic, MD5 and own key, for the most a call holds.
        assertThat(limits.encodedSize(200)).isEqualTo(200 + 3 + 256 + 5 + 4 + 5);
        assertThat(limits.callOverheadBytes()).isEqualTo(500 * (4 + 16 + 256));
    }

    @Test
    void aStreamWhoseMaximumWasRaisedTakesLargerRecordsUpToWhatACallCarries() {
        assertThat(KinesisLimits.of(TEN_MIB, 4096, false).maxRecordBytes()).isEqualTo(4096 * 1024 - 256);
        assertThat(KinesisLimits.of(TEN_MIB, 10_240, false).maxRecordBytes()).isEqualTo(10 * 1024 * 1024 - 256);
        // moto's and older regions' 5 MiB calls cannot carry a 10 MiB record: the call's limit holds.
        assertThat(KinesisLimits.of(5L * 1024 * 1024, 10_240, false).maxRecordBytes())
                .isEqualTo(5 * 1024 * 1024 - 256);
    }

    @Test
    void provisionedStreamsBillIn25KiBPayloadUnitsOnDemandOnesPerKiB() {
        SinkLimits provisioned = KinesisLimits.of(TEN_MIB, 1024, false);
        SinkLimits onDemand = KinesisLimits.of(TEN_MIB, 1024, true);

        assertThat(provisioned.billedUnits(5 * 1024)).isEqualTo(1);
        assertThat(provisioned.billedUnits(45 * 1024)).isEqualTo(2);
        assertThat(onDemand.billedUnits(100)).isEqualTo(1);
        assertThat(onDemand.billedUnits(5 * 1024 + 1)).isEqualTo(6);
    }

    @Test
    void aCallTooSmallForAnyRecordFailsTheStart() {
        assertThatThrownBy(() -> KinesisLimits.of(100, 1024, false))
                .hasMessageContaining("gateway.kinesis.max-bytes-per-call");
    }
}
