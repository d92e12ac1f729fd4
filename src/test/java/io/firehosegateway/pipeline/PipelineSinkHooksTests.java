package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.event.Event;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** What a sink may say of its destinations besides its limits: order by nature, billing per call. */
class PipelineSinkHooksTests {

    private static final SinkLimits LIMITS = new SinkLimits(10, 1024 * 1024, SinkLimits.Encoding.RAW, 0, 0, 1024, 1, 0);

    /** An SQS-like sink: FIFO destinations order per key; each call is billed 3 units. */
    private static final class QueueSink implements Sink {
        final List<StreamRoutes.Route> routes = new CopyOnWriteArrayList<>();

        @Override
        public SinkKind kind() {
            return SinkKind.SQS;
        }

        @Override
        public SinkLimits limits() {
            return LIMITS;
        }

        @Override
        public boolean ordersPerKeyByDefault(StreamRoutes.Route route) {
            return route.destination().endsWith(".fifo");
        }

        /** As SQS: a body without the newline that frames the record. */
        @Override
        public int bytesAsSent(byte[] data) {
            return data.length - 1;
        }

        @Override
        public long billedUnitsOfCall(StreamRoutes.Route route, List<SinkRecord> records) {
            return 3;
        }

        @Override
        public CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> records) {
            routes.add(route);
            return CompletableFuture.completedFuture(BatchResult.allAccepted(records.size()));
        }
    }

    private static PipelineProperties properties(Map<String, PipelineProperties.StreamProperties> streams) {
        PipelineProperties defaults = PipelineTestSupport.properties(DeliveryMode.CONFIRMED, Duration.ofSeconds(5), 0);
        return new PipelineProperties(
                SinkKind.SQS, "events", streams, defaults.buffer(), defaults.delivery(), defaults.replicas());
    }

    private static PipelineProperties.StreamProperties stream(String destination, Ordering ordering, long packBytes) {
        return new PipelineProperties.StreamProperties(
                null,
                destination,
                null,
                ordering,
                DataSize.ofBytes(packBytes),
                PipelineProperties.Quota.NONE,
                PipelineProperties.Metadata.OFF);
    }

    @Test
    void aStreamThatSetsNoOrderingTakesItsDestinationsOrderByNature() {
        Map<String, PipelineProperties.StreamProperties> streams = new LinkedHashMap<>();
        streams.put("events", stream("events.fifo", null, 0));
        streams.put("plain", stream("plain", null, 0));
        streams.put("unordered", stream("unordered.fifo", Ordering.NONE, 0));
        Pipeline pipeline =
                PipelineTestSupport.pipeline(properties(streams), new QueueSink(), new SimpleMeterRegistry());
        try {
            assertThat(pipeline.ordering("events")).isEqualTo(Ordering.PER_KEY);
            assertThat(pipeline.ordering("plain")).isEqualTo(Ordering.NONE);
            assertThat(pipeline.ordering("unordered"))
                    .as("the stream's own setting wins")
                    .isEqualTo(Ordering.NONE);
        } finally {
            pipeline.stop();
        }
    }

    @Test
    void theSinkIsToldThatAStreamSetsAPartitionKey() throws Exception {
        QueueSink sink = new QueueSink();
        PipelineProperties.StreamProperties keyed = new PipelineProperties.StreamProperties(
                null,
                "events",
                "/user",
                null,
                DataSize.ofBytes(0),
                PipelineProperties.Quota.NONE,
                PipelineProperties.Metadata.OFF);
        Pipeline pipeline =
                PipelineTestSupport.pipeline(properties(Map.of("events", keyed)), sink, new SimpleMeterRegistry());
        try {
            PipelineTestSupport.submit(pipeline, PipelineTestSupport.events("k", 2), DeliveryMode.CONFIRMED)
                    .done()
                    .get(5, TimeUnit.SECONDS);

            assertThat(sink.routes).isNotEmpty().allMatch(StreamRoutes.Route::keyed);
        } finally {
            pipeline.stop();
        }
    }

    @Test
    void deliveredBytesAreCountedAsTheSinkSendsThem() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Pipeline pipeline = PipelineTestSupport.pipeline(
                properties(Map.of("events", stream("events", null, 0))), new QueueSink(), registry);
        try {
            List<Event> events = PipelineTestSupport.events("b", 3);
            PipelineTestSupport.submit(pipeline, events, DeliveryMode.CONFIRMED)
                    .done()
                    .get(5, TimeUnit.SECONDS);

            long withoutNewlines =
                    events.stream().mapToLong(event -> event.size() - 1).sum();
            assertThat(registry.get("gateway.records.bytes")
                            .tags("stream", "events", "sink", "sqs")
                            .counter()
                            .count())
                    .isEqualTo(withoutNewlines);
        } finally {
            pipeline.stop();
        }
    }

    @Test
    void packingAnSqsStreamFailsTheStartSayingWhy() {
        PipelineProperties properties = properties(Map.of("events", stream("events", null, 5000)));

        assertThat(properties.settingsMeaninglessForTheirSink())
                .singleElement()
                .asString()
                .contains("gateway.streams.events.pack-bytes")
                .contains("sqs");
        assertThatThrownBy(() -> PipelineTestSupport.pipeline(properties, new QueueSink(), new SimpleMeterRegistry()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pack-bytes");
    }

    @Test
    void aSinkThatBillsPerCallIsCountedPerAnsweredCall() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Pipeline pipeline = PipelineTestSupport.pipeline(
                properties(Map.of("events", stream("events", null, 0))), new QueueSink(), registry);
        try {
            // 25 events in calls of at most 10: at least 3 calls.
            PipelineTestSupport.submit(pipeline, PipelineTestSupport.events("b", 25), DeliveryMode.CONFIRMED)
                    .done()
                    .get(5, TimeUnit.SECONDS);

            double calls = registry.find("gateway.sink.requests").timers().stream()
                    .mapToLong(timer -> timer.count())
                    .sum();
            assertThat(calls).isGreaterThanOrEqualTo(3);
            assertThat(registry.get("gateway.sink.billed-units")
                            .tags("stream", "events", "sink", "sqs")
                            .counter()
                            .count())
                    .isEqualTo(3 * calls);
        } finally {
            pipeline.stop();
        }
    }
}
