package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.util.unit.DataSize;

/** Builds pipelines with test settings and events with known content. */
final class PipelineTestSupport {

    private PipelineTestSupport() {}

    /** Settings as in service: a short linger, and an idle stream sends at once. */
    static PipelineProperties properties(DeliveryMode mode, Duration timeout, int packBytes) {
        return properties(
                mode, timeout, packBytes, Duration.ofMillis(2), true, 100_000, PipelineProperties.Quota.NONE, 1);
    }

    /** Settings whose batches always wait out {@code linger}, for tests of what the linger holds. */
    static PipelineProperties properties(
            DeliveryMode mode, Duration timeout, int packBytes, Duration linger, long maxRecords) {
        return properties(mode, timeout, packBytes, linger, false, maxRecords, PipelineProperties.Quota.NONE, 1);
    }

    static PipelineProperties properties(
            DeliveryMode mode,
            Duration timeout,
            int packBytes,
            Duration linger,
            boolean sendWhenIdle,
            long maxRecords,
            PipelineProperties.Quota quota,
            int replicas) {
        return properties(mode, timeout, packBytes, linger, sendWhenIdle, true, maxRecords, quota, replicas);
    }

    /**
     * @param sendWhenIdleAfterCalls whether a batch that filled while calls were in flight goes at
     *     once when the stream falls idle (the default), or waits out its linger
     */
    static PipelineProperties properties(
            DeliveryMode mode,
            Duration timeout,
            int packBytes,
            Duration linger,
            boolean sendWhenIdle,
            boolean sendWhenIdleAfterCalls,
            long maxRecords,
            PipelineProperties.Quota quota,
            int replicas) {
        return new PipelineProperties(
                SinkKind.FIREHOSE,
                "events",
                Map.of(
                        "events",
                        new PipelineProperties.StreamProperties(
                                null,
                                null,
                                null,
                                null,
                                DataSize.ofBytes(packBytes),
                                quota,
                                PipelineProperties.Metadata.OFF)),
                new PipelineProperties.Buffer(maxRecords, DataSize.ofMegabytes(64), Duration.ofSeconds(1), 1.0, 1.0),
                new PipelineProperties.Delivery(
                        mode,
                        timeout,
                        Duration.ofMillis(200),
                        Duration.ofSeconds(5),
                        Path.of(System.getProperty("java.io.tmpdir"), "gateway-dead-letter-tests"),
                        linger,
                        sendWhenIdle,
                        sendWhenIdleAfterCalls,
                        true,
                        4,
                        Duration.ofMillis(1),
                        Duration.ofMillis(20)),
                replicas);
    }

    static Pipeline pipeline(PipelineProperties properties, Sink sink, SimpleMeterRegistry registry) {
        return pipeline(properties, sink, registry, NanoClock.SYSTEM);
    }

    /** A pipeline that measures deadlines, pauses and throttling on {@code nanoClock}. */
    static Pipeline pipeline(
            PipelineProperties properties, Sink sink, SimpleMeterRegistry registry, NanoClock nanoClock) {
        Pipeline pipeline = new Pipeline(
                properties, List.of(sink), new GatewayMetrics(registry), Clock.systemUTC(), nanoClock, null);
        pipeline.start();
        return pipeline;
    }

    static List<Event> events(String prefix, int count) {
        List<Event> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            events.add(new Event(id, ("{\"id\":\"" + id + "\"}\n").getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }

    /** Admits and submits a whole request, as the API does. */
    static DeliveryTicket submit(Pipeline pipeline, List<Event> events, DeliveryMode mode) {
        try (Admission admission = pipeline.admit()) {
            for (Event event : events) {
                admission.reserve(event);
            }
            return pipeline.submit("events", events, admission, mode);
        }
    }
}
