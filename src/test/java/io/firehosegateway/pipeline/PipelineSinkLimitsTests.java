package io.firehosegateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.support.AcceptingSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
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
                defaults.defaultStream(),
                Map.of(
                        "events",
                        new PipelineProperties.StreamProperties(
                                "prod-events-delivery",
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
