package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.FailureKind;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkException;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** A stream's own {@code max-in-flight} caps its calls, while the other streams keep the global one. */
class PerStreamMaxInFlightTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** One event a call, so that every event waiting is a call wanting to be in flight. */
    private static final SinkLimits ONE_PER_CALL =
            new SinkLimits(1, 1024 * 1024, SinkLimits.Encoding.RAW, 0, 0, 1024, 1, 0);

    /** A sink that holds every call open until the test releases it, and counts the peak in flight. */
    private static final class HoldingSink implements Sink {
        private final SinkKind kind;
        private final LinkedBlockingQueue<CompletableFuture<BatchResult>> held = new LinkedBlockingQueue<>();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger peak = new AtomicInteger();
        private final AtomicInteger answered = new AtomicInteger();

        HoldingSink(SinkKind kind) {
            this.kind = kind;
        }

        @Override
        public SinkKind kind() {
            return kind;
        }

        @Override
        public SinkLimits limits() {
            return ONE_PER_CALL;
        }

        @Override
        public CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> records) {
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            CompletableFuture<BatchResult> call = new CompletableFuture<>();
            held.add(call);
            BatchResult result = BatchResult.allAccepted(records.size());
            return call.thenApply(ignored -> {
                inFlight.decrementAndGet();
                answered.incrementAndGet();
                return result;
            });
        }

        /** Answers the calls held, one at a time, until {@code calls} have been answered. */
        void releaseUntilAnswered(int calls) throws InterruptedException {
            while (answered.get() < calls) {
                CompletableFuture<BatchResult> call = held.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(call).as("a call to answer").isNotNull();
                call.complete(null);
            }
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HoldingSink firehose = new HoldingSink(SinkKind.FIREHOSE);
    private final HoldingSink queue = new HoldingSink(SinkKind.SQS);
    private Pipeline pipeline;

    @AfterEach
    void stop() {
        firehose.held.forEach(call -> call.complete(null));
        queue.held.forEach(call -> call.complete(null));
        if (pipeline != null) {
            pipeline.stop();
        }
    }

    private static PipelineProperties.StreamProperties stream(SinkKind sink, Integer maxInFlight) {
        return new PipelineProperties.StreamProperties(
                sink,
                null,
                null,
                null,
                DataSize.ofBytes(0),
                PipelineProperties.Quota.NONE,
                PipelineProperties.Metadata.OFF,
                maxInFlight);
    }

    /** The stream {@code events} to Firehose at the global cap (4 in tests), {@code jobs} to SQS at 2. */
    private Pipeline start() {
        PipelineProperties defaults = PipelineTestSupport.properties(DeliveryMode.CONFIRMED, TIMEOUT, 0);
        Map<String, PipelineProperties.StreamProperties> streams = new LinkedHashMap<>();
        streams.put("events", stream(SinkKind.FIREHOSE, null));
        streams.put("jobs", stream(SinkKind.SQS, 2));
        PipelineProperties properties = new PipelineProperties(
                SinkKind.FIREHOSE, "events", streams, defaults.buffer(), defaults.delivery(), defaults.replicas());
        Pipeline started = new Pipeline(
                properties, List.of(firehose, queue), new GatewayMetrics(registry), Clock.systemUTC(), null);
        started.start();
        return started;
    }

    private DeliveryTicket submit(String stream, List<Event> events) {
        try (Admission admission = pipeline.admit()) {
            for (Event event : events) {
                admission.reserve(event);
            }
            return pipeline.submit(stream, events, admission, DeliveryMode.CONFIRMED);
        }
    }

    private double concurrencyLimit(String stream) {
        return registry.get("gateway.sink.concurrency-limit")
                .tag("stream", stream)
                .gauge()
                .value();
    }

    @Test
    void aStreamWithItsOwnCapKeepsAtMostThatManyCallsInFlightWhileAnotherKeepsTheGlobalOne() throws Exception {
        pipeline = start();

        DeliveryTicket events = submit("events", PipelineTestSupport.events("e", 8));
        DeliveryTicket jobs = submit("jobs", PipelineTestSupport.events("j", 8));

        // Every call is held: each stream fills its cap, and the events left wait for a slot.
        await().atMost(TIMEOUT).until(() -> firehose.inFlight.get() == 4 && queue.inFlight.get() >= 2);
        firehose.releaseUntilAnswered(8);
        queue.releaseUntilAnswered(8);

        assertThat(events.await(TIMEOUT.toNanos()).delivered()).hasSize(8);
        assertThat(jobs.await(TIMEOUT.toNanos()).delivered()).hasSize(8);
        assertThat(queue.peak.get()).as("calls in flight at once on jobs").isEqualTo(2);
        assertThat(firehose.peak.get()).as("calls in flight at once on events").isEqualTo(4);
        assertThat(concurrencyLimit("jobs")).as("the cap in force").isEqualTo(2);
        assertThat(concurrencyLimit("events")).isEqualTo(4);
    }

    @Test
    void throttlingStillHalvesAStreamsOwnCap() throws Exception {
        ScriptedSink throttledOnce = new ScriptedSink(
                SinkKind.SQS,
                ONE_PER_CALL,
                (call, records) -> call == 0
                        ? CompletableFuture.failedFuture(
                                new SinkException(FailureKind.THROTTLED, "Throttled", "slow", null))
                        : CompletableFuture.completedFuture(BatchResult.allAccepted(records.size())));
        PipelineProperties defaults = PipelineTestSupport.properties(DeliveryMode.CONFIRMED, TIMEOUT, 0);
        PipelineProperties properties = new PipelineProperties(
                SinkKind.SQS,
                "jobs",
                Map.of("jobs", stream(SinkKind.SQS, 8)),
                defaults.buffer(),
                defaults.delivery(),
                defaults.replicas());
        pipeline =
                new Pipeline(properties, List.of(throttledOnce), new GatewayMetrics(registry), Clock.systemUTC(), null);
        pipeline.start();
        assertThat(concurrencyLimit("jobs")).isEqualTo(8);

        assertThat(submit("jobs", PipelineTestSupport.events("t", 1))
                        .await(TIMEOUT.toNanos())
                        .delivered())
                .hasSize(1);

        // One throttled call, then one clean one: from its own 8 to 4, not from the global 4 to 2.
        assertThat(concurrencyLimit("jobs")).isEqualTo(4);
    }
}
