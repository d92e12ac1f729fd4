package io.firehosegateway.pipeline;

import static io.firehosegateway.pipeline.OrderingTestSupport.KINESIS_LIKE;
import static io.firehosegateway.pipeline.OrderingTestSupport.events;
import static io.firehosegateway.pipeline.OrderingTestSupport.keyed;
import static io.firehosegateway.pipeline.OrderingTestSupport.properties;
import static io.firehosegateway.pipeline.OrderingTestSupport.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.RecordOutcome;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SplitResendTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Logger faultLogger = (Logger) LoggerFactory.getLogger(DeliveryFaultLog.class);
    private final ListAppender<ILoggingEvent> faultLines = new ListAppender<>();
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        if (pipeline != null && pipeline.isRunning()) {
            pipeline.stop();
        }
        faultLogger.detachAppender(faultLines);
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

    @Test
    void recordsSentAgainAfterASplitAreCountedAndLoggedAsSentAgain() throws Exception {
        faultLines.start();
        faultLogger.addAppender(faultLines);
        // The first call is refused whole (Kinesis' "too large" for the call); its halves go through.
        ScriptedSink sink = new ScriptedSink((call, records) -> call == 0
                ? CompletableFuture.failedFuture(new SinkException(
                        FailureKind.INVALID_REQUEST, "ValidationException", "request too large", null))
                : CompletableFuture.completedFuture(BatchResult.allAccepted(records.size())));
        pipeline = PipelineTestSupport.pipeline(
                PipelineTestSupport.properties(DeliveryMode.CONFIRMED, Duration.ofSeconds(10), 0), sink, registry);

        DeliveryReport report = PipelineTestSupport.submit(
                        pipeline, PipelineTestSupport.events("s", 10), DeliveryMode.CONFIRMED)
                .done()
                .get(10, TimeUnit.SECONDS)
                .report();

        assertThat(report.delivered()).hasSize(10);
        assertThat(sink.calls()).extracting(call -> call.records().size()).containsExactly(10, 5, 5);
        assertThat(registry.get("gateway.records.retried").counter().count()).isEqualTo(10);
        assertThat(faultLines.list).singleElement().satisfies(line -> {
            assertThat(line.getFormattedMessage()).contains("0 delivered, 10 to send again");
            assertThat(line.getKeyValuePairs())
                    .extracting(pair -> pair.key, pair -> pair.value)
                    .contains(tuple("gateway.retried", 10), tuple("gateway.resent_to_find_fault", 10));
        });
    }
}
