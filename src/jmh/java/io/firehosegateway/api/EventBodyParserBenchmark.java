package io.firehosegateway.api;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.pipeline.Admission;
import io.firehosegateway.pipeline.DeliveryMode;
import io.firehosegateway.pipeline.Pipeline;
import io.firehosegateway.pipeline.PipelineProperties;
import io.firehosegateway.sink.BatchResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
import org.springframework.util.unit.DataSize;

/**
 * The body parser alone, on the benchmark's event of about 200 bytes: the time and, with
 * {@code -prof gc}, the bytes allocated per request of 1 or 100 events. Run by bench/jmh.
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

    private byte[] body;
    private EventBodyParser parser;
    private Pipeline pipeline;

    @Setup(Level.Trial)
    public void setUp() {
        body = (events == 1 ? EVENT : "[" + String.join(",", java.util.Collections.nCopies(events, EVENT)) + "]")
                .getBytes(StandardCharsets.UTF_8);
        ApiProperties limits = new ApiProperties(DataSize.ofMegabytes(5), 64, 1048576, 100, DataSize.ofMegabytes(1), 1000, java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(60));
        parser = new EventBodyParser(limits);
        // The benchmarks share one way to build a pipeline, so a change of its settings breaks neither.
        pipeline = SchemaValidationBenchmark.pipeline();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pipeline.stop();
    }

    @Benchmark
    public List<Event> parse() {
        // Closing the admission unsubmitted gives its room back, so the budget never fills.
        try (Admission admission = pipeline.admit()) {
            return parser.parse(new ByteArrayInputStream(body), EventFormat.JSON, admission, 1000 * 1024);
        }
    }
}
