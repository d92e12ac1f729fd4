package io.firehosegateway.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.networknt.schema.Schema;
import io.firehosegateway.event.Event;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** What one stream's schemas make of an event the validator itself fails on. */
class StreamSchemasTests {

    @Test
    void anEventTheValidatorFailsOnIsInvalidWithAViolationThatNamesNoLibrary() {
        Schema failing = mock(Schema.class);
        when(failing.validate(any(JsonNode.class)))
                .thenThrow(new IllegalArgumentException("'DecimalNode' method 'asLong()' cannot convert value"));
        CompiledSchema schema = new CompiledSchema(null, "quantity.json", "sha256:00", null, failing, null);
        StreamSchemas rules = new StreamSchemas("orders", null, Map.of(StreamSchemas.ONLY, schema), null);
        Event event = new Event("e", "{\"qty\":1}\n".getBytes(StandardCharsets.UTF_8));

        StreamSchemas.Outcome outcome = rules.check(0, event, StreamSchemas.treeOf(event));

        assertThat(outcome.schema()).isSameAs(schema);
        assertThat(outcome.invalid()).isNotNull();
        assertThat(outcome.invalid().violations()).singleElement().satisfies(violation -> {
            assertThat(violation.keyword()).isEqualTo("schema");
            assertThat(violation.message())
                    .isEqualTo("the event could not be checked against the schema")
                    .doesNotContain("DecimalNode");
        });
    }
}
