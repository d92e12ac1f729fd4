package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.firehose.FirehoseLimits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchBuilderTests {

    private static final SinkLimits FIREHOSE = FirehoseLimits.LIMITS;

    private final DeliveryTicket ticket = new DeliveryTicket("events", 10_000);

    private static byte[] event(int size) {
        byte[] bytes = "x".repeat(size - 1).concat("\n").getBytes(StandardCharsets.UTF_8);
        return bytes;
    }

    @Test
    void takesAtMost500Records() {
        BatchBuilder batch = new BatchBuilder(FIREHOSE, 0);
        int added = 0;
        while (batch.tryAdd(event(10), "key", "id", ticket, added, Deadlines.NO_CLIENT_WAITS)) {
            added++;
        }
        assertThat(added).isEqualTo(FIREHOSE.maxRecordsPerCall());
        assertThat(batch.build()).hasSize(500);
    }

    @Test
    void staysWithinFourMebibytesCountedOnTheBase64EncodedRequest() {
        BatchBuilder batch = new BatchBuilder(FIREHOSE, 0);
        int size = 100 * 1024;
        int added = 0;
        while (batch.tryAdd(event(size), "key", "id", ticket, added, Deadlines.NO_CLIENT_WAITS)) {
            added++;
        }
        long encoded = FIREHOSE.callOverheadBytes() + (long) added * FIREHOSE.encodedSize(size);
        assertThat(encoded).isLessThanOrEqualTo(FIREHOSE.maxBytesPerCall());
        assertThat(encoded + FIREHOSE.encodedSize(size)).isGreaterThan(FIREHOSE.maxBytesPerCall());
        // Raw bytes alone would have allowed 40; base64 makes each a third larger.
        assertThat(added).isEqualTo(30);
    }

    @Test
    void packsEventsIntoRecordsUpToPackBytesWithoutSplittingAny() {
        BatchBuilder batch = new BatchBuilder(FIREHOSE, 5120);
        for (int i = 0; i < 100; i++) {
            assertThat(batch.tryAdd(event(200), "key", "id", ticket, i, Deadlines.NO_CLIENT_WAITS))
                    .isTrue();
        }
        List<PendingRecord> records = batch.build();

        // 25 events of 200 bytes fill 5000 of 5120 bytes; the 26th would not fit.
        assertThat(records).hasSize(4).allSatisfy(record -> {
            assertThat(record.eventCount()).isEqualTo(25);
            assertThat(record.data).hasSize(5000);
        });
        assertThat(records.get(1).indexes).startsWith(25, 26);
    }

    @Test
    void packsAtMost500EventsIntoOneRecord() {
        BatchBuilder batch = new BatchBuilder(FIREHOSE, 1000 * 1024);
        for (int i = 0; i < 1200; i++) {
            assertThat(batch.tryAdd(event(3), "key", "id", ticket, i, Deadlines.NO_CLIENT_WAITS))
                    .isTrue();
        }
        assertThat(batch.build()).extracting(PendingRecord::eventCount).containsExactly(500, 500, 200);
    }

    @Test
    void eventLargerThanPackBytesGoesAloneIntoItsOwnRecord() {
        BatchBuilder batch = new BatchBuilder(FIREHOSE, 1024);
        batch.tryAdd(event(100), "key", "id", ticket, 0, Deadlines.NO_CLIENT_WAITS);
        batch.tryAdd(event(4000), "key", "id", ticket, 1, Deadlines.NO_CLIENT_WAITS);
        batch.tryAdd(event(100), "key", "id", ticket, 2, Deadlines.NO_CLIENT_WAITS);

        assertThat(batch.build()).extracting(record -> record.data.length).containsExactly(100, 4000, 100);
    }

    @Test
    void packedRecordTakesTheEarliestDeadlineOfItsEvents() {
        BatchBuilder batch = new BatchBuilder(FIREHOSE, 5120);
        batch.tryAdd(event(10), "key", "id", ticket, 0, 300);
        batch.tryAdd(event(10), "key", "id", ticket, 1, 100);
        batch.tryAdd(event(10), "key", "id", ticket, 2, 200);

        assertThat(batch.build())
                .singleElement()
                .satisfies(record -> assertThat(record.deadlineNanos).isEqualTo(100));
    }

    @Test
    void isFullAt500RecordsSoTheBatchNeedNotWaitForItsLinger() {
        BatchBuilder batch = new BatchBuilder(FIREHOSE, 0);
        for (int i = 0; i < 499; i++) {
            batch.tryAdd(event(10), "key", "id", ticket, i, Deadlines.NO_CLIENT_WAITS);
        }
        assertThat(batch.isFull()).isFalse();
        batch.tryAdd(event(10), "key", "id", ticket, 499, Deadlines.NO_CLIENT_WAITS);
        assertThat(batch.isFull()).isTrue();
    }

    @Test
    void eventsWithoutADeadlineNeverShareAPackWithEventsThatHaveOne() {
        BatchBuilder batch = new BatchBuilder(FIREHOSE, 5120);
        batch.tryAdd(event(10), "key", "id", ticket, 0, 1_000);
        batch.tryAdd(event(10), "key", "id", ticket, 1, Deadlines.NO_CLIENT_WAITS);
        batch.tryAdd(event(10), "key", "id", ticket, 2, Deadlines.NO_CLIENT_WAITS);

        assertThat(batch.build())
                .extracting(record -> record.deadlineNanos, PendingRecord::eventCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1_000L, 1),
                        org.assertj.core.groups.Tuple.tuple(Deadlines.NO_CLIENT_WAITS, 2));
    }
}
