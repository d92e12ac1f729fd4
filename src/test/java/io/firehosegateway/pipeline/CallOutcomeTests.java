package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.SinkException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class CallOutcomeTests {

    private final DeliveryTicket ticket = new DeliveryTicket("events", 10);

    private List<PendingRecord> batch(int size) {
        List<PendingRecord> batch = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            batch.add(PendingRecord.single(
                    ("{\"n\":" + i + "}\n").getBytes(StandardCharsets.UTF_8),
                    "key",
                    "id-" + i,
                    ticket,
                    i,
                    Deadlines.NO_CLIENT_WAITS));
        }
        return batch;
    }

    @Test
    void sortsTheEntriesOfAnAnswerByWhatHappensNext() {
        List<PendingRecord> batch = batch(5);
        BatchResult result = new BatchResult(List.of(
                RecordOutcome.ACCEPTED,
                new RecordOutcome(FailureKind.THROTTLED, "ServiceUnavailableException", "Slow down."),
                new RecordOutcome(FailureKind.UNKNOWN_OUTCOME, "InternalFailure", "?"),
                new RecordOutcome(FailureKind.INVALID_REQUEST, "Bad", "no"),
                new RecordOutcome(FailureKind.CONFIGURATION, "KMSAccessDeniedException", "denied")));

        CallOutcome outcome = CallOutcome.of(batch, result, null);

        assertThat(outcome.failure()).isNull();
        assertThat(outcome.delivered()).containsExactly(batch.get(0));
        assertThat(outcome.retry()).containsExactly(batch.get(1), batch.get(2));
        assertThat(outcome.possibleDuplicates()).isEqualTo(1);
        assertThat(batch.get(2).mayHaveLanded).isTrue();
        assertThat(outcome.rejected()).extracting(CallOutcome.Rejection::record).containsExactly(batch.get(3));
        assertThat(outcome.misconfigured()).containsExactly(batch.get(4));
        assertThat(outcome.configurationFault().code()).isEqualTo("KMSAccessDeniedException");
        assertThat(outcome.throttled()).isTrue();
        // One throttled entry may be one partition's quota: whether that slows the stream is the sink's call.
        assertThat(outcome.callThrottled()).isFalse();
        assertThat(outcome.failedCount(batch.size())).isEqualTo(4);
    }

    @Test
    void aWholeCallRefusedAsInvalidIsSplitUnlessOneRecordStandsAlone() {
        SinkException invalid = new SinkException(FailureKind.INVALID_REQUEST, "InvalidArgumentException", "no", null);

        assertThat(CallOutcome.of(batch(4), null, new CompletionException(invalid))
                        .split())
                .hasSize(4);
        assertThat(CallOutcome.of(batch(1), null, invalid).rejected()).hasSize(1);
    }

    @Test
    void anUnclassifiedFailureMayHaveLanded() {
        List<PendingRecord> batch = batch(3);

        CallOutcome outcome = CallOutcome.of(batch, null, new IllegalStateException("boom"));

        assertThat(outcome.failure().kind()).isEqualTo(FailureKind.UNKNOWN_OUTCOME);
        assertThat(outcome.retry()).isEqualTo(batch);
        assertThat(outcome.possibleDuplicates()).isEqualTo(3);
    }

    @Test
    void anAnswerWithTheWrongNumberOfEntriesIsAnUnknownOutcome() {
        CallOutcome outcome = CallOutcome.of(batch(3), BatchResult.allAccepted(2), null);

        assertThat(outcome.failure().code()).isEqualTo("MismatchedResponse");
        assertThat(outcome.delivered()).isEmpty();
        assertThat(outcome.retry()).hasSize(3);
    }
}
