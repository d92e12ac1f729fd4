package io.firehosegateway.api;

import io.firehosegateway.sink.SinkKind;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.pipeline.Admission;
import io.firehosegateway.pipeline.DeliveryMode;
import io.firehosegateway.pipeline.Pipeline;
import io.firehosegateway.pipeline.PipelineProperties;
import io.firehosegateway.support.AcceptingSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.util.unit.DataSize;

/**
 * The body parser alone, on the benchmark's event of about 200 bytes: the time and, with
 * {@code -prof gc}, the bytes allocated per request of 1 or 100 events. With {@code metadata=true}
 * the request also gets every metadata fact (issue #14), as {@code EventsController} adds them after
 * parsing, so one run compares the two; {@code copies} compares framing each event from the bytes
 * sent with writing it again. Run by bench/jmh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EventBodyParserBenchmark {

    private static final String EVENT = "{\"type\":\"page_view\",\"user\":\"u-000123\",\"session\":\"s-9f8e7d6c\","
            + "\"ts\":\"2026-11-25T18:00:00.000Z\",\"path\":\"/products/1/reviews\",\"ref\":\"https://example.com/?q=sh\"}";

    @Param({"1", "100"})
    public int events;

    @Param({"false", "true"})
    public boolean metadata;

    /** Whether events are framed from the body's bytes ({@link EventCopier}) or written again, as before. */
    @Param({"false", "true"})
    public boolean copies;

    private EventMetadata eventMetadata;
    private MockHttpServletRequest request;

    private byte[] body;
    private EventBodyParser parser;
    private Pipeline pipeline;

    @Setup(Level.Trial)
    public void setUp() {
        body = (events == 1 ? EVENT : "[" + String.join(",", java.util.Collections.nCopies(events, EVENT)) + "]")
                .getBytes(StandardCharsets.UTF_8);
        ApiProperties limits = new ApiProperties(DataSize.ofMegabytes(5), 64, 1048576, 100, DataSize.ofMegabytes(1), 1000, java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(60));
        parser = new EventBodyParser(limits, copies);
        PipelineProperties.Metadata facts = metadata
                ? new PipelineProperties.Metadata(
                        "_meta", List.of(PipelineProperties.MetadataFact.values()))
                : PipelineProperties.Metadata.OFF;
        PipelineProperties streams = new PipelineProperties(
                SinkKind.FIREHOSE,
                "events",
                Map.of(
                        "events",
                        new PipelineProperties.StreamProperties(
                                null,
                                null,
                                null,
                                null,
                                DataSize.ofBytes(0),
                                new PipelineProperties.Quota(0, 0, DataSize.ofBytes(0)),
                                facts)),
                null,
                null,
                1);
        EdgeProperties edge = new EdgeProperties(List.of(), "gateway-0");
        eventMetadata =
                new EventMetadata(streams, edge, new ClientAddressResolver(edge), Clock.systemUTC());
        request = new MockHttpServletRequest();
        request.setRemoteAddr("203.0.113.9");
        request.setAttribute(RequestIdFilter.ATTRIBUTE, "0196f3c2-5a1b-7c3d-9e8f-0123456789ab");
        request.setUserPrincipal(() -> "producer");
        pipeline = new Pipeline(
                new PipelineProperties(
                        SinkKind.FIREHOSE,
                        "events",
                        Map.of(),
                        new PipelineProperties.Buffer(
                                Long.MAX_VALUE / 2, DataSize.ofGigabytes(1024), Duration.ofSeconds(1), 1.0, 1.0),
                        new PipelineProperties.Delivery(
                                DeliveryMode.BUFFERED,
                                Duration.ofSeconds(10),
                                Duration.ofSeconds(30),
                                Duration.ZERO,
                                Path.of("target/dead-letter"),
                                Duration.ofMillis(5),
                                true,
                                true,
                                true,
                                1,
                                Duration.ofMillis(50),
                                Duration.ofSeconds(1)),
                        1),
                List.of(new AcceptingSink()),
                new GatewayMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC(),
                null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pipeline.stop();
    }

    @Benchmark
    public List<Event> parse() {
        // Closing the admission unsubmitted gives its room back, so the budget never fills.
        try (Admission admission = pipeline.admit()) {
            EventMetadata.Envelope envelope = eventMetadata.forRequest("events", request);
            List<Event> parsed = parser.parse(
                    new ByteArrayInputStream(body), EventFormat.JSON, admission, 1000 * 1024, envelope.reservedMember());
            return envelope.addTo(parsed, null, admission, 1000 * 1024);
        }
    }
}
