package io.firehosegateway.api;

import com.github.erosb.jsonsKema.FormatValidationPolicy;
import com.github.erosb.jsonsKema.JsonParser;
import com.github.erosb.jsonsKema.SchemaLoader;
import com.github.erosb.jsonsKema.ValidationFailure;
import com.github.erosb.jsonsKema.Validator;
import com.github.erosb.jsonsKema.ValidatorConfig;
import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics;
import io.firehosegateway.pipeline.Admission;
import io.firehosegateway.pipeline.DeliveryMode;
import io.firehosegateway.pipeline.Pipeline;
import io.firehosegateway.pipeline.PipelineProperties;
import io.firehosegateway.schema.EventSchemas;
import io.firehosegateway.schema.InvalidEvent;
import io.firehosegateway.schema.SchemaChecker;
import io.firehosegateway.schema.SchemaProperties;
import io.firehosegateway.schema.SchemaTestFiles;
import io.firehosegateway.sink.BatchResult;
import io.firehosegateway.sink.Sink;
import io.firehosegateway.sink.SinkKind;
import io.firehosegateway.sink.SinkLimits;
import io.firehosegateway.sink.SinkRecord;
import io.firehosegateway.sink.StreamRoutes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.util.unit.DataSize;

/**
 * What a schema costs a request of 100 realistic events (the order of {@link SchemaTestFiles#ORDER}:
 * 15 properties, nested objects, format, enum, pattern), in one run: the body parser alone, the
 * parser and networknt's validator (what the gateway does, via {@link EventSchemas}), and the parser
 * and json-sKema, the validator it was compared with. Run by {@code bench/jmh SchemaValidationBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SchemaValidationBenchmark {

    private static final int EVENTS = 100;

    private byte[] body;
    private EventBodyParser parser;
    private Pipeline pipeline;
    private EventSchemas schemas;
    private Validator skema;
    private Path directory;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            events.add(SchemaTestFiles.order(i));
        }
        body = ("[" + String.join(",", events) + "]").getBytes(StandardCharsets.UTF_8);
        parser = new EventBodyParser(new ApiProperties(
                DataSize.ofMegabytes(5),
                64,
                1048576,
                100,
                DataSize.ofMegabytes(1),
                1000,
                Duration.ofSeconds(10),
                Duration.ofSeconds(60)));
        pipeline = pipeline();
        directory = Files.createTempDirectory("schema-bench");
        Path order = SchemaTestFiles.write(directory, "order.json", SchemaTestFiles.ORDER);
        schemas = new EventSchemas(
                new SchemaProperties(
                        Map.of("events", new SchemaProperties.StreamSchema(order.toString(), null, null, null)),
                        new SchemaProperties.SchemaValidation(true, Duration.ofHours(1))),
                Set.of("events"),
                new GatewayMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC());
        skema = Validator.create(
                new SchemaLoader(SchemaTestFiles.ORDER).load(), new ValidatorConfig(FormatValidationPolicy.ALWAYS));
        if (!parseAndValidateWithNetworknt().isEmpty() || parseAndValidateWithJsonSkema() != 0) {
            throw new IllegalStateException("the benchmark's events must be valid under both validators");
        }
    }

    /** A pipeline that takes everything at once, for benchmarks of what happens before it. */
    static Pipeline pipeline() {
        return new Pipeline(
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
                            16,
                            Duration.ofMillis(50),
                            Duration.ofSeconds(5)),
                    1),
            List.of(new Sink() {
                @Override
                public SinkKind kind() {
                    return SinkKind.FIREHOSE;
                }

                @Override
                public SinkLimits limits() {
                    return new SinkLimits(500, 4 * 1024 * 1024, SinkLimits.Encoding.RAW, 0, 0, 1024 * 1000, 500, 0);
                }

                @Override
                public CompletableFuture<BatchResult> putRecords(
                        StreamRoutes.Route route,
                        List<SinkRecord> records) {
                    return CompletableFuture.completedFuture(BatchResult.allAccepted(records.size()));
                }
            }),
            new GatewayMetrics(new SimpleMeterRegistry()),
            Clock.systemUTC(),
            null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pipeline.stop();
        schemas.destroy();
    }

    private List<Event> parse() {
        // Closing the admission unsubmitted gives its room back, so the budget never fills.
        try (Admission admission = pipeline.admit()) {
            return parser.parse(new ByteArrayInputStream(body), EventFormat.JSON, admission, 1000 * 1024);
        }
    }

    @Benchmark
    public List<Event> parseAlone() {
        return parse();
    }

    /** What the gateway does: each event's tree built in the pass that frames it, and checked there. */
    @Benchmark
    public List<InvalidEvent> parseAndValidateWithNetworknt() {
        SchemaChecker checker = schemas.checker("events");
        try (Admission admission = pipeline.admit()) {
            parser.parse(
                    new ByteArrayInputStream(body), EventFormat.JSON, admission, 1000 * 1024, null, checker::check);
        }
        return checker.result().invalid();
    }

    /** What the gateway did before 2026-12-02: parse, then read each framed event again into a tree. */
    @Benchmark
    public List<InvalidEvent> parseThenReadTreesAndValidateWithNetworknt() {
        return schemas.check("events", parse());
    }

    @Benchmark
    public int parseAndValidateWithJsonSkema() {
        int invalid = 0;
        URI source = URI.create("mem://event");
        for (Event event : parse()) {
            ValidationFailure failure = skema.validate(
                    new JsonParser(new String(event.framed(), StandardCharsets.UTF_8), source, 64).parse());
            if (failure != null) {
                invalid++;
            }
        }
        return invalid;
    }
}
