package io.firehosegateway.schema;

import com.networknt.schema.Error;
import io.firehosegateway.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JsonPointer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The compiled schemas of one stream and what happens to its invalid events.
 *
 * @param stream the stream
 * @param schemaBy the pointer to the member that picks the schema; {@code null} for one schema
 * @param schemas the schemas: one with a {@code null} value, or one per {@code schema-by} value
 * @param routeTo the stream invalid events are routed to; {@code null} when they are rejected
 */
public record StreamSchemas(String stream, String schemaBy, Map<String, CompiledSchema> schemas, String routeTo) {

    /** Violations listed per event; the rest are counted. */
    public static final int MAX_VIOLATIONS = 10;

    private static final Logger log = LoggerFactory.getLogger(StreamSchemas.class);

    /** The key of a stream's only schema in {@link #schemas}. */
    static final String ONLY = "";

    /** Floats as decimals, so {@code multipleOf} and bounds see the number the client sent. */
    private static final JsonMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** The {@code on-invalid} setting as written. */
    public String onInvalid() {
        return routeTo == null ? "reject" : "route:" + routeTo;
    }

    /**
     * What checking one event found.
     *
     * @param schema the schema it was checked against; {@code null} when {@code schema-by} found none
     * @param invalid why it is invalid; {@code null} when it is valid
     */
    record Outcome(CompiledSchema schema, InvalidEvent invalid) {}

    /** The event's tree as its framed form reads: what {@link #check} validates. */
    public static JsonNode treeOf(Event event) {
        return json.readTree(event.framed());
    }

    /**
     * Checks one event as the client sent it.
     *
     * @param node the event's tree, {@link #treeOf} or one built in the same pass that framed it
     */
    Outcome check(int index, Event event, JsonNode node) {
        CompiledSchema schema;
        if (schemaBy == null) {
            schema = schemas.get(ONLY);
        } else {
            JsonNode selector = node.at(JsonPointer.compile(schemaBy));
            if (selector.isMissingNode() || selector.isNull() || !selector.isValueNode()) {
                return new Outcome(null, invalid(index, event, null, "no " + schemaBy + " to pick a schema by"));
            }
            String value = selector.isString() ? selector.stringValue() : selector.toString();
            schema = schemas.get(value);
            if (schema == null) {
                return new Outcome(
                        null, invalid(index, event, null, schemaBy + " is " + selector + ", which has no schema"));
            }
        }
        if (schema.shortcut() != null && schema.shortcut().surelyValid(node)) {
            return new Outcome(schema, null);
        }
        List<Error> errors;
        try {
            errors = schema.schema().validate(node);
        } catch (RuntimeException e) {
            // The validator could not read this event: it cannot pass unchecked, and the answer names
            // what failed (the check), not the library's exception.
            log.warn("The schema {} could not check event {} of a request to {}", schema.location(), index, stream, e);
            return new Outcome(
                    schema,
                    new InvalidEvent(
                            index,
                            event.id(),
                            schema,
                            List.of(new Violation("", "schema", "the event could not be checked against the schema")),
                            1));
        }
        if (errors.isEmpty()) {
            return new Outcome(schema, null);
        }
        List<Violation> violations = new ArrayList<>(Math.min(errors.size(), MAX_VIOLATIONS));
        for (Error error : errors.subList(0, Math.min(errors.size(), MAX_VIOLATIONS))) {
            violations.add(new Violation(
                    pointer(error.getInstanceLocation().toString()), error.getKeyword(), error.getMessage()));
        }
        return new Outcome(schema, new InvalidEvent(index, event.id(), schema, violations, errors.size()));
    }

    private InvalidEvent invalid(int index, Event event, CompiledSchema schema, String message) {
        return new InvalidEvent(index, event.id(), schema, List.of(new Violation(schemaBy, "schema-by", message)), 1);
    }

    /** The validator's instance location, a JSON Pointer; its root, the event itself, is {@code ""}. */
    private static String pointer(String location) {
        return location.equals("/") ? "" : location;
    }
}
