package io.firehosegateway.pipeline;

import static io.firehosegateway.pipeline.OrderingTestSupport.KINESIS_LIKE;
import static io.firehosegateway.pipeline.OrderingTestSupport.events;
import static io.firehosegateway.pipeline.OrderingTestSupport.keyed;
import static io.firehosegateway.pipeline.OrderingTestSupport.properties;
import static io.firehosegateway.pipeline.OrderingTestSupport.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.SinkKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SplitResendTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null && pipeline.isRunning()) {
            pipeline.stop();
        }
    }

    /** Refuses for good every record holding the event {@code bad}, accepts the others. */
    private static ScriptedSink rejecting(String bad) {
        return new ScriptedSink(SinkKind.KINESIS, KINESIS_LIKE, (call, records) -> {
            List<RecordOutcome> outcomes = new ArrayList<>();
            for (String record : records) {
                outcomes.add(
                        record.contains("\"" + bad + "\"")
                                ? new RecordOutcome(FailureKind.INVALID_REQUEST, "ValidationException", "bad")
                                : RecordOutcome.ACCEPTED);
            }
            return CompletableFuture.completedFuture(new BatchResult(outcomes));
        });
    }

    @Test
    void theEventsOfAnUnpackedRecordEachGoAloneUntilTheOneAtFaultIsFound() throws Exception {
        ScriptedSink sink = rejecting("p-3");
        pipeline = PipelineTestSupport.pipeline(
                properties(DeliveryMode.CONFIRMED, Ordering.PER_KEY, 5120, 1_000, 1.0), sink, registry);

        DeliveryReport report = submit(pipeline, keyed("p", 0, 6), DeliveryMode.CONFIRMED)
                .done()
                .get(10, TimeUnit.SECONDS)
                .report();

        assertThat(report.failed()).containsExactly(3);
        assertThat(report.delivered()).containsExactly(0, 1, 2, 4, 5);
        // p-0 goes alone (its key had nothing in flight), p-1..p-5 follow packed; once that pack is
        // refused its events go one by one, never packed again.
        List<Integer> eventsPerRecord = new ArrayList<>();
        for (String record : sink.sentRecords()) {
            eventsPerRecord.add(events(record).size());
        }
        assertThat(eventsPerRecord).containsExactly(1, 5, 1, 1, 1, 1, 1);
    }
}
