package io.firehosegateway.schema;

import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.DialectRegistry;
import com.networknt.schema.format.Format;
import com.networknt.schema.path.PathType;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the shortcut formats ({@link FastFormats}) save, side by side in one run: 100 order events
 * ({@link SchemaTestFiles#ORDER}, already read into trees) validated by the same schema compiled
 * with networknt's own formats and with the shortcut formats; and the four format values of one
 * order (email, date-time, uuid, ipv4) through each set of formats alone. Run by
 * {@code bench/jmh FormatBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FormatBenchmark {

    private static final int EVENTS = 100;
    private static final List<String> NAMES = List.of("email", "date-time", "uuid", "ipv4");
    private static final List<String> VALUES =
            List.of("ada@example.com", "2026-12-02T01:00:00.123Z", "0193a4a0-0000-7000-8000-000000000001", "192.0.2.1");

    private final List<JsonNode> events = new ArrayList<>();
    private Schema networkntSchema;
    private Schema fastSchema;
    private final List<Format> networkntFormats = new ArrayList<>();
    private final List<Format> fastFormats = new ArrayList<>();
    private ExecutionContext context;

    @Setup(Level.Trial)
    public void setUp() {
        JsonMapper json = JsonMapper.builder().build();
        for (int i = 0; i < EVENTS; i++) {
            events.add(json.readTree(SchemaTestFiles.order(i)));
        }
        networkntSchema = compile(null);
        fastSchema = compile(FastFormats.dialectRegistry());
        for (String name : NAMES) {
            networkntFormats.add(FastFormats.networknt(name));
            fastFormats.add(FastFormats.FORMATS.stream()
                    .filter(format -> format.getName().equals(name))
                    .findFirst()
                    .orElseThrow());
        }
        context = fastSchema.createExecutionContext();
        if (validateWithNetworkntFormats() != 0
                || validateWithFastFormats() != 0
                || formatsOfOneEventNetworknt() != 4
                || formatsOfOneEventFast() != 4) {
            throw new IllegalStateException("the benchmark's events must be valid under both");
        }
    }

    /** The order schema as the gateway compiles it (format asserted), with these dialects or networknt's. */
    private static Schema compile(DialectRegistry dialects) {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, builder -> {
            if (dialects != null) {
                builder.dialectRegistry(dialects);
            }
            builder.schemaRegistryConfig(SchemaRegistryConfig.builder()
                    .formatAssertionsEnabled(true)
                    .pathType(PathType.JSON_POINTER)
                    .build());
        });
        Schema schema = registry.getSchema(SchemaTestFiles.ORDER);
        schema.initializeValidators();
        return schema;
    }

    private int validate(Schema schema) {
        int errors = 0;
        for (JsonNode event : events) {
            errors += schema.validate(event).size();
        }
        return errors;
    }

    private int matches(List<Format> formats) {
        int valid = 0;
        for (int i = 0; i < formats.size(); i++) {
            if (formats.get(i).matches(context, VALUES.get(i))) {
                valid++;
            }
        }
        return valid;
    }

    @Benchmark
    public int validateWithNetworkntFormats() {
        return validate(networkntSchema);
    }

    @Benchmark
    public int validateWithFastFormats() {
        return validate(fastSchema);
    }

    @Benchmark
    public int formatsOfOneEventNetworknt() {
        return matches(networkntFormats);
    }

    @Benchmark
    public int formatsOfOneEventFast() {
        return matches(fastFormats);
    }
}
