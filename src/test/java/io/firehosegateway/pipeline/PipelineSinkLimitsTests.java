package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.PackFormat;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.firehosegateway.support.AcceptingSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The pipeline takes each stream's limits from its sink, never from a constant of one kind. */
class PipelineSinkLimitsTests {

    private static final SinkLimits SMALL = new SinkLimits(10, 64 * 1024, SinkLimits.Encoding.RAW, 0, 0, 1024, 10, 0);

    @Test
    void theLargestEventOfAStreamIsTheLargestRecordOfItsSink() {
        PipelineProperties properties = PipelineTestSupport.properties(DeliveryMode.BUFFERED, Duration.ofSeconds(1), 0);
        Pipeline pipeline =
                PipelineTestSupport.pipeline(properties, new AcceptingSink(SMALL), new SimpleMeterRegistry());
        try {
            assertThat(pipeline.maxEventBytes("events")).isEqualTo(1024);
        } finally {
            pipeline.stop();
        }
    }

    @Test
    void aStreamIsSentToItsDestinationAtTheSink() throws Exception {
        PipelineProperties defaults = PipelineTestSupport.properties(DeliveryMode.CONFIRMED, Duration.ofSeconds(5), 0);
        PipelineProperties properties = new PipelineProperties(
                SinkKind.FIREHOSE,
                defaults.defaultStream(),
                Map.of(
                        "events",
                        new PipelineProperties.StreamProperties(
                                null,
                                "prod-events-delivery",
                                null,
                                null,
                                DataSize.ofBytes(0),
                                PipelineProperties.Quota.NONE,
                                PipelineProperties.Metadata.OFF)),
                defaults.buffer(),
                defaults.delivery(),
                defaults.replicas());
        ScriptedSink sink = ScriptedSink.acceptingEverything();
        Pipeline pipeline = PipelineTestSupport.pipeline(properties, sink, new SimpleMeterRegistry());
        try {
            PipelineTestSupport.submit(pipeline, PipelineTestSupport.events("e", 2), DeliveryMode.CONFIRMED)
                    .done()
                    .get(5, TimeUnit.SECONDS);

            assertThat(sink.calls()).extracting(ScriptedSink.Call::stream).containsOnly("prod-events-delivery");
        } finally {
            pipeline.stop();
        }
    }

    @Test
    void aSettingThatMeansNothingForTheStreamsSinkFailsTheStartSayingSo() {
        PipelineProperties defaults = PipelineTestSupport.properties(DeliveryMode.CONFIRMED, Duration.ofSeconds(5), 0);
        PipelineProperties properties = new PipelineProperties(
                SinkKind.FIREHOSE,
                defaults.defaultStream(),
                Map.of(
                        "events",
                        new PipelineProperties.StreamProperties(
                                null,
                                null,
                                "/user/id",
                                Ordering.PER_KEY,
                                DataSize.ofBytes(0),
                                PipelineProperties.Quota.NONE,
                                PipelineProperties.Metadata.OFF),
                        "keyed",
                        new PipelineProperties.StreamProperties(
                                SinkKind.KINESIS,
                                null,
                                "/user/id",
                                Ordering.PER_KEY,
                                DataSize.ofBytes(0),
                                PipelineProperties.Quota.NONE,
                                PipelineProperties.Metadata.OFF)),
                defaults.buffer(),
                defaults.delivery(),
                defaults.replicas());

        assertThat(properties.settingsMeaninglessForTheirSink())
                .containsExactlyInAnyOrder(
                        "gateway.streams.events.partition-key means nothing for the firehose sink, which has no"
                                + " partitions; only kinesis and sqs streams take a partition key",
                        "gateway.streams.events.ordering: per-key means nothing for the firehose sink, which keeps"
                                + " no order per key; only kinesis and sqs streams do");
        assertThatThrownBy(() -> PipelineTestSupport.pipeline(
                        properties, ScriptedSink.acceptingEverything(), new SimpleMeterRegistry()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.streams.events.partition-key means nothing for the firehose sink");
    }

    @Test
    void packFormatKplOnAStreamNotSentToKinesisFailsTheStartSayingSo() {
        PipelineProperties defaults = PipelineTestSupport.properties(DeliveryMode.CONFIRMED, Duration.ofSeconds(5), 0);
        PipelineProperties properties = new PipelineProperties(
                SinkKind.FIREHOSE,
                defaults.defaultStream(),
                Map.of(
                        "events", packedAs(null, PackFormat.KPL),
                        "keyed", packedAs(SinkKind.KINESIS, PackFormat.KPL),
                        "lines", packedAs(SinkKind.SQS, PackFormat.LINES)),
                defaults.buffer(),
                defaults.delivery(),
                defaults.replicas());

        assertThat(properties.settingsMeaninglessForTheirSink())
                .containsExactly("gateway.streams.events.pack-format: kpl means nothing for the firehose sink: the"
                        + " KPL's aggregation format is read by Kinesis consumers only");
    }

    @Test
    void aKplStreamHandsItsSinkSingleEventsAndItsRouteThePackBytes() throws Exception {
        PipelineProperties defaults = PipelineTestSupport.properties(DeliveryMode.CONFIRMED, Duration.ofSeconds(5), 0);
        PipelineProperties.StreamProperties kpl = new PipelineProperties.StreamProperties(
                null,
                null,
                null,
                null,
                DataSize.ofKilobytes(4),
                PipelineProperties.Quota.NONE,
                PipelineProperties.Metadata.OFF,
                null,
                PackFormat.KPL);
        PipelineProperties properties = new PipelineProperties(
                SinkKind.KINESIS,
                defaults.defaultStream(),
                Map.of("events", kpl),
                defaults.buffer(),
                defaults.delivery(),
                defaults.replicas());
        List<StreamRoutes.Route> routes = new java.util.concurrent.CopyOnWriteArrayList<>();
        ScriptedSink sink = new ScriptedSink(
                SinkKind.KINESIS,
                SMALL_KINESIS,
                (call, records) -> CompletableFuture.completedFuture(BatchResult.allAccepted(records.size())));
        Sink seeingRoutes = new Sink() {
            @Override
            public SinkKind kind() {
                return sink.kind();
            }

            @Override
            public SinkLimits limits() {
                return sink.limits();
            }

            @Override
            public CompletableFuture<BatchResult> putRecords(StreamRoutes.Route route, List<SinkRecord> records) {
                routes.add(route);
                // As an aggregating sink answers: all of the call's events in one record, billed one unit.
                return sink.putRecords(route, records)
                        .thenApply(result -> new BatchResult(result.outcomes(), List.of(records.size()), 1));
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Pipeline pipeline = PipelineTestSupport.pipeline(properties, seeingRoutes, registry);
        try {
            PipelineTestSupport.submit(pipeline, PipelineTestSupport.events("e", 20), DeliveryMode.CONFIRMED)
                    .done()
                    .get(5, TimeUnit.SECONDS);

            assertThat(sink.sentRecords()).hasSize(20);
            assertThat(routes).allSatisfy(route -> {
                assertThat(route.packFormat()).isEqualTo(PackFormat.KPL);
                assertThat(route.packBytes()).isEqualTo(4 * 1024);
            });
            io.micrometer.core.instrument.distribution.HistogramSnapshot perRecord = registry.get(
                            GatewayMetrics.SINK_USER_RECORDS_PER_RECORD)
                    .tag(GatewayMetrics.TAG_STREAM, "events")
                    .summary()
                    .takeSnapshot();
            assertThat(perRecord.total()).isEqualTo(20);
            assertThat(perRecord.count()).isEqualTo(routes.size());
            assertThat(registry.get(GatewayMetrics.SINK_BILLED_UNITS_PER_1000_EVENTS)
                            .tag(GatewayMetrics.TAG_STREAM, "events")
                            .gauge()
                            .value())
                    .isEqualTo(routes.size() * 1000.0 / 20);
        } finally {
            pipeline.stop();
        }
    }

    private static final SinkLimits SMALL_KINESIS =
            new SinkLimits(500, 5 * 1024 * 1024, SinkLimits.Encoding.RAW, 256, 0, 64 * 1024, 10_000, 0);

    private static PipelineProperties.StreamProperties packedAs(SinkKind sink, PackFormat format) {
        return new PipelineProperties.StreamProperties(
                sink,
                null,
                null,
                null,
                DataSize.ofBytes(0),
                PipelineProperties.Quota.NONE,
                PipelineProperties.Metadata.OFF,
                null,
                format);
    }

    private static PipelineProperties.StreamProperties sentTo(String destination, PipelineProperties.Quota quota) {
        return new PipelineProperties.StreamProperties(
                null, destination, null, null, DataSize.ofBytes(0), quota, PipelineProperties.Metadata.OFF);
    }

    private static PipelineProperties withStreams(Map<String, PipelineProperties.StreamProperties> streams) {
        PipelineProperties defaults = PipelineTestSupport.properties(DeliveryMode.CONFIRMED, Duration.ofSeconds(5), 0);
        return new PipelineProperties(
                SinkKind.FIREHOSE, "a", streams, defaults.buffer(), defaults.delivery(), defaults.replicas());
    }

    @Test
    void streamsSentToOneDestinationShareItsQuotaWhicheverOfThemSetsIt() {
        PipelineProperties.Quota quota = new PipelineProperties.Quota(0, 5, DataSize.ofBytes(0));
        PipelineProperties properties = withStreams(new java.util.LinkedHashMap<>(Map.of(
                "a", sentTo("shared", quota),
                "b", sentTo("shared", PipelineProperties.Quota.NONE),
                "c", sentTo("own", quota))));
        Pipeline pipeline =
                PipelineTestSupport.pipeline(properties, ScriptedSink.acceptingEverything(), new SimpleMeterRegistry());
        try {
            assertThat(pipeline.quotaOf("a")).isNotNull().isSameAs(pipeline.quotaOf("b"));
            assertThat(pipeline.quotaOf("c")).isNotNull().isNotSameAs(pipeline.quotaOf("a"));
        } finally {
            pipeline.stop();
        }
    }

    @Test
    void streamsSettingDifferentQuotasForOneDestinationFailTheStart() {
        PipelineProperties properties = withStreams(Map.of(
                "a", sentTo("shared", new PipelineProperties.Quota(0, 5, DataSize.ofBytes(0))),
                "b", sentTo("shared", new PipelineProperties.Quota(0, 9, DataSize.ofBytes(0)))));

        assertThatThrownBy(() -> PipelineTestSupport.pipeline(
                        properties, ScriptedSink.acceptingEverything(), new SimpleMeterRegistry()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("differ, but both streams are sent to firehose destination shared");
    }

    @Test
    void aStreamWhoseKindOfSinkIsNotThereFailsTheStartNamingIt() {
        PipelineProperties defaults = PipelineTestSupport.properties(DeliveryMode.CONFIRMED, Duration.ofSeconds(5), 0);
        PipelineProperties properties = new PipelineProperties(
                SinkKind.SQS,
                defaults.defaultStream(),
                Map.of(),
                defaults.buffer(),
                defaults.delivery(),
                defaults.replicas());

        assertThatThrownBy(() -> PipelineTestSupport.pipeline(
                        properties, ScriptedSink.acceptingEverything(), new SimpleMeterRegistry()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stream events is sent to the sqs sink, but no such sink is configured");
    }

    @Test
    void packBytesOverTheSinksLargestRecordFailTheStartNamingTheSetting() {
        PipelineProperties properties =
                PipelineTestSupport.properties(DeliveryMode.BUFFERED, Duration.ofSeconds(1), 2048);

        assertThatThrownBy(() ->
                        PipelineTestSupport.pipeline(properties, new AcceptingSink(SMALL), new SimpleMeterRegistry()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.streams.events.pack-bytes")
                .hasMessageContaining("1024 bytes");
    }
}
