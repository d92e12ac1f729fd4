package io.firehosegateway.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Numbers at the edges of what a decimal holds ({@code 1e2147483647}, {@code 1e-2147483647}) against
 * every numeric keyword, through the shortcut ({@code measure}: bounds, {@code enum}) and networknt
 * alone ({@code ratio}: {@code multipleOf}, {@code uniqueItems}, {@code const}): each gets the
 * answer its value calls for, without writing out its digits (2 billion of them would not fit, or
 * take minutes). A schema's own decimals are read as written too ({@code 1e400}, {@code
 * 0.1000000000000000001} in an {@code enum}), not as doubles. The fuzz test's {@code audit} stream
 * checks the same two schemas.
 */
class SchemaNumberEdgesTests {

    private static final String SCHEMAS = "classpath:io/firehosegateway/api/fuzz-schemas/";

    private static EventSchemas schemas;

    @BeforeAll
    static void start() {
        schemas = new EventSchemas(
                new SchemaProperties(
                        Map.of(
                                "measure",
                                new SchemaProperties.StreamSchema(SCHEMAS + "audit-measure.json", null, null, null),
                                "ratio",
                                new SchemaProperties.StreamSchema(SCHEMAS + "audit-ratio.json", null, null, null)),
                        new SchemaProperties.SchemaValidation(true, Duration.ofHours(1))),
                Set.of("measure", "ratio"),
                new GatewayMetrics(new SimpleMeterRegistry()),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        schemas.destroy();
    }

    @ParameterizedTest(name = "{0} {1} is valid: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "measure | {\"n\":1e2147483647}                       | false",
                "measure | {\"n\":-1e2147483647}                      | false",
                "measure | {\"n\":1e-2147483647}                      | true",
                "measure | {\"n\":-1e-2147483647}                     | true",
                "measure | {\"n\":0e2147483647}                       | true",
                "measure | {\"n\":9.99e299}                           | true",
                "measure | {\"n\":1e300}                              | false",
                "measure | {\"n\":1,\"i\":1e2147483647}               | false",
                "measure | {\"n\":1,\"i\":-1e2147483647}              | false",
                "measure | {\"n\":1,\"i\":9007199254740993}           | true",
                "measure | {\"n\":1,\"i\":9007199254740994}           | false",
                "measure | {\"n\":1,\"i\":-1}                         | true",
                "measure | {\"n\":1,\"i\":-2}                         | false",
                "measure | {\"n\":1,\"k\":18446744073709551616}       | true",
                "measure | {\"n\":1,\"k\":1e2147483647}               | false",
                "measure | {\"n\":1,\"extra\":1e2147483647}           | true",
                "measure | {\"n\":1,\"extra\":1e-2147483647}          | false",
                "ratio   | {\"m\":1e2147483647}                       | true",
                "ratio   | {\"m\":1e-2147483647}                      | false",
                "ratio   | {\"q\":1e2147483647}                       | false",
                "ratio   | {\"q\":3e2147483647}                       | true",
                "ratio   | {\"big\":1e2147483647}                     | false",
                "ratio   | {\"big\":7e2147483647}                     | true",
                "ratio   | {\"u\":[1e2147483647,1e2147483647]}        | false",
                "ratio   | {\"u\":[1e2147483647,1e2147483646]}        | true",
                "ratio   | {\"c\":1e2147483647}                       | false",
                "ratio   | {\"e\":1e400}                              | true",
                "ratio   | {\"e\":1e2147483647}                       | false",
                "ratio   | {\"e\":0.1000000000000000001}            | true",
                "ratio   | {\"e\":0.1}                              | false",
            })
    void aNumberAtADecimalsEdgeGetsTheAnswerItsValueCallsFor(String stream, String members, boolean valid) {
        String type = "{\"type\":\"" + stream + "\"," + members.substring(1);
        Event event = new Event("e", (type + "\n").getBytes(StandardCharsets.UTF_8));

        List<InvalidEvent> invalid = schemas.check(stream, List.of(event));

        assertThat(invalid).as(type).hasSize(valid ? 0 : 1);
        if (!valid) {
            assertThat(invalid.get(0).violations())
                    .as(type)
                    .noneMatch(violation -> violation.keyword().equals("schema"));
        }
    }
}
