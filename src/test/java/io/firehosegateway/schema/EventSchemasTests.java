package io.firehosegateway.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firehosegateway.event.Event;
import io.firehosegateway.metrics.GatewayMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiling at start, what fails the start, and reloading a changed or a broken schema file. */
class EventSchemasTests {

    @TempDir
    Path directory;

    private EventSchemas schemas;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void stop() {
        if (schemas != null) {
            schemas.destroy();
        }
    }

    private EventSchemas start(Map<String, SchemaProperties.StreamSchema> streams, boolean formatAssertions) {
        schemas = new EventSchemas(
                new SchemaProperties(
                        streams, new SchemaProperties.SchemaValidation(formatAssertions, Duration.ofHours(1))),
                Set.of("events", "orders", "orders-invalid"),
                new GatewayMetrics(registry),
                Clock.systemUTC());
        return schemas;
    }

    private EventSchemas start(String location) {
        return start(Map.of("orders", new SchemaProperties.StreamSchema(location, null, null, null)), true);
    }

    private static Event event(String json) {
        return new Event("e", (json + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private List<InvalidEvent> check(String json) {
        return schemas.check("orders", List.of(event(json)));
    }

    @Test
    void aSchemaIsCompiledFromAFileAndChecksEveryEvent() {
        start(SchemaTestFiles.write(directory, "order.json", SchemaTestFiles.ORDER)
                .toString());

        assertThat(check(SchemaTestFiles.order(1))).isEmpty();
        assertThat(check("{\"id\":\"order-1\"}")).singleElement().satisfies(invalid -> {
            assertThat(invalid.violations()).extracting(Violation::keyword).containsOnly("required");
            assertThat(invalid.violationCount()).isEqualTo(5);
            assertThat(invalid.schema().hash()).startsWith("sha256:");
        });
    }

    @Test
    void aWholeNumberPastALongBreaksAnIntegersBoundOnItsSideAndNoOther() {
        start(SchemaTestFiles.write(directory, "quantity.json", """
                        {"properties": {
                          "qty": {"type": "integer", "maximum": 10, "minimum": -10},
                          "open": {"type": "integer", "exclusiveMaximum": 10, "exclusiveMinimum": -10},
                          "atLeast": {"type": "integer", "minimum": 0},
                          "loose": {"maximum": 10}}}""").toString());

        for (String number : new String[] {"1e19", "1.0e19", "1e400", "9223372036854775808.0"}) {
            assertThat(violations("{\"qty\":" + number + "}")).as(number).containsExactly("/qty maximum");
            assertThat(violations("{\"qty\":-" + number + "}")).as(number).containsExactly("/qty minimum");
            assertThat(violations("{\"open\":" + number + "}")).as(number).containsExactly("/open exclusiveMaximum");
            assertThat(violations("{\"open\":-" + number + "}")).as(number).containsExactly("/open exclusiveMinimum");
            assertThat(violations("{\"atLeast\":" + number + "}")).as(number).isEmpty();
        }
        assertThat(violations("{\"qty\":1.5e19}")).containsExactly("/qty maximum");
        assertThat(violations("{\"loose\":1e400}")).containsExactly("/loose maximum");
        assertThat(violations("{\"loose\":1.5}")).isEmpty();
    }

    @Test
    void aDraft04ExclusiveBoundReadsAWholeNumberPastALongToo() {
        start(SchemaTestFiles.write(directory, "quantity.json", """
                        {"$schema": "http://json-schema.org/draft-04/schema#", "properties": {
                          "qty": {"type": "integer", "maximum": 10, "exclusiveMaximum": true}}}""").toString());

        // Draft 4 counts only a number written without a fraction or an exponent as an integer.
        assertThat(violations("{\"qty\":1e19}")).containsExactly("/qty type", "/qty maximum");
        assertThat(violations("{\"qty\":-1e19}")).containsExactly("/qty type");
    }

    /** Each rule the event breaks, as its pointer and keyword. */
    private List<String> violations(String json) {
        return check(json).stream()
                .flatMap(invalid -> invalid.violations().stream())
                .map(violation -> violation.pointer() + " " + violation.keyword())
                .toList();
    }

    @Test
    void aDraft07SchemaIsCheckedByItsOwnDraft() {
        start(SchemaTestFiles.write(directory, "signup.json", SchemaTestFiles.SIGNUP)
                .toString());

        assertThat(check("{\"type\":\"signup\",\"email\":\"ada@example.com\"}")).isEmpty();
        assertThat(check("{\"type\":\"signup\"}")).hasSize(1);
    }

    @Test
    void formatIsAssertedOnlyWhenTheSettingSaysSo() {
        Path schema = SchemaTestFiles.write(directory, "signup.json", SchemaTestFiles.SIGNUP);
        String badEmail = "{\"type\":\"signup\",\"email\":\"not an address\"}";

        start(Map.of("orders", new SchemaProperties.StreamSchema(schema.toString(), null, null, null)), true);
        assertThat(check(badEmail))
                .singleElement()
                .satisfies(invalid ->
                        assertThat(invalid.violations().get(0).keyword()).isEqualTo("format"));
        schemas.destroy();

        start(Map.of("orders", new SchemaProperties.StreamSchema(schema.toString(), null, null, null)), false);
        assertThat(check(badEmail)).isEmpty();
    }

    @Test
    void aReferenceToAFileBesideTheSchemaResolves() {
        SchemaTestFiles.write(directory, "money.json", "{\"type\":\"number\",\"minimum\":0}");
        Path order = SchemaTestFiles.write(
                directory, "order.json", "{\"type\":\"object\",\"properties\":{\"total\":{\"$ref\":\"money.json\"}}}");
        start(order.toString());

        assertThat(check("{\"total\":3}")).isEmpty();
        assertThat(check("{\"total\":-3}")).hasSize(1);
    }

    @Test
    void aRemoteReferenceFailsTheStartNamingTheFileAndTheReason() {
        Path schema = SchemaTestFiles.write(
                directory,
                "remote.json",
                "{\"type\":\"object\",\"properties\":{\"x\":{\"$ref\":\"https://example.com/schemas/x.json\"}}}");

        assertThatThrownBy(() -> start(schema.toString()))
                .isInstanceOf(SchemaLoadException.class)
                .hasMessageContaining("remote.json")
                .hasMessageContaining("https://example.com/schemas/x.json")
                .hasMessageContaining("never the network");
    }

    @Test
    void aSchemaThatDoesNotLoadFailsTheStartNamingTheFile() {
        Path missing = directory.resolve("missing.json");
        assertThatThrownBy(() -> start(missing.toString()))
                .isInstanceOf(SchemaLoadException.class)
                .hasMessageContaining("missing.json")
                .hasMessageContaining("could not be read");

        Path broken = SchemaTestFiles.write(directory, "broken.json", "{\"type\": ");
        assertThatThrownBy(() -> start(broken.toString()))
                .isInstanceOf(SchemaLoadException.class)
                .hasMessageContaining("broken.json")
                .hasMessageContaining("is not JSON");

        Path wrong = SchemaTestFiles.write(directory, "wrong.json", "{\"type\": \"strin\"}");
        assertThatThrownBy(() -> start(wrong.toString()))
                .isInstanceOf(SchemaLoadException.class)
                .hasMessageContaining("wrong.json");
    }

    @Test
    void routingMustNameAConfiguredStreamWithoutASchemaOfItsOwn() {
        String schema = SchemaTestFiles.write(directory, "click.json", SchemaTestFiles.CLICK)
                .toString();

        assertThatThrownBy(() -> start(
                        Map.of("orders", new SchemaProperties.StreamSchema(schema, null, null, "route:nowhere")), true))
                .hasMessageContaining("nowhere, which is not configured");
        assertThatThrownBy(() -> start(
                        Map.of(
                                "orders",
                                new SchemaProperties.StreamSchema(schema, null, null, "route:orders-invalid"),
                                "orders-invalid",
                                new SchemaProperties.StreamSchema(schema, null, null, null)),
                        true))
                .hasMessageContaining("has a schema itself");
        assertThatThrownBy(() ->
                        start(Map.of("orders", new SchemaProperties.StreamSchema(schema, null, null, "drop")), true))
                .hasMessageContaining("reject or route:<stream>");
    }

    @Test
    void anInvalidEventIsCountedUnderTheSchemaItWasCheckedAgainstNotTheSchemasInForceWhenCounted() {
        String signup = SchemaTestFiles.write(directory, "signup.json", SchemaTestFiles.SIGNUP)
                .toString();
        EventSchemas byType = new EventSchemas(
                new SchemaProperties(
                        Map.of(
                                "orders",
                                new SchemaProperties.StreamSchema(
                                        null, "/type", List.of(new SchemaProperties.Choice("signup", signup)), null)),
                        new SchemaProperties.SchemaValidation(true, Duration.ofHours(1))),
                Set.of("orders"),
                new GatewayMetrics(registry),
                Clock.systemUTC());
        List<InvalidEvent> invalid;
        try {
            invalid = byType.check("orders", List.of(event("{\"type\":\"signup\"}")));
        } finally {
            byType.destroy();
        }
        // Other schemas are in force for the stream when the request's invalid events are counted.
        start(signup).count("orders", invalid);

        assertThat(registry.find("gateway.events.invalid")
                        .tag("stream", "orders")
                        .tag("schema", "signup")
                        .counter())
                .as("the counter of the schema the event failed")
                .isNotNull()
                .extracting(Counter::count)
                .isEqualTo(1.0);
        assertThat(registry.find("gateway.events.invalid").tag("schema", "none").counter())
                .isNull();
    }

    @Test
    void aChangedSchemaFileIsInForceAfterTheNextCheck() throws Exception {
        Path file = SchemaTestFiles.write(directory, "click.json", SchemaTestFiles.CLICK);
        start(file.toString());
        assertThat(check("{\"page\":\"/\"}")).isEmpty();

        Files.writeString(file, "{\"type\":\"object\",\"required\":[\"page\",\"user\"]}");
        schemas.reloadIfChanged();

        assertThat(check("{\"page\":\"/\"}")).hasSize(1);
        assertThat(schemas.of("orders").schemas().values().iterator().next().hash())
                .isEqualTo(SchemaCompiler.hash(Files.readAllBytes(file)));
    }

    @Test
    void aBrokenNewVersionIsRefusedAndTheSchemaInForceStays() throws Exception {
        Path file = SchemaTestFiles.write(directory, "click.json", SchemaTestFiles.CLICK);
        start(file.toString());
        String before =
                schemas.of("orders").schemas().values().iterator().next().hash();

        Files.writeString(file, "{\"type\": ");
        schemas.reloadIfChanged();

        assertThat(schemas.of("orders").schemas().values().iterator().next().hash())
                .isEqualTo(before);
        assertThat(check("{\"page\":\"/\"}")).isEmpty();
        assertThat(check("{\"page\":1}")).hasSize(1);

        // Mended, it is taken.
        Files.writeString(file, "{\"type\":\"object\",\"required\":[\"user\"]}");
        schemas.reloadIfChanged();
        assertThat(check("{\"page\":\"/\"}")).hasSize(1);
    }
}
