package io.firehosegateway.pipeline;

import io.firehosegateway.event.Event;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonPointer;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;

/**
 * Finds each event's partition key: the value at a stream's {@code partition-key} JSON Pointer, or
 * the event id when the stream sets none or the event has nothing there. A string is the key as it
 * is, a number its text as the client wrote it; any other value is refused, since no key could be
 * chosen for it that a consumer would expect.
 */
abstract sealed class PartitionKeys {

    /** The key of every event is its id. */
    static final PartitionKeys EVENT_ID = new ById();

    /**
     * Without Jackson's default limits: every event here passed the gateway's own ({@code
     * gateway.limits}), which may allow longer names, deeper nesting or longer numbers, and an
     * admitted event refused here would be a server error.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNameLength(Integer.MAX_VALUE)
                    .maxNestingDepth(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            .build();

    /** Keys at the JSON Pointer {@code pointer}, such as {@code /user/id}. */
    static PartitionKeys at(String pointer) {
        return new AtPointer(JsonPointer.compile(pointer));
    }

    /**
     * The events, each with its key; the list itself when keys are ids.
     *
     * @throws InvalidPartitionKeyException for the first event whose value at the pointer cannot be a key
     */
    abstract List<Event> keyed(List<Event> events);

    /** The key of one event that was keyed before (one read back from the journal): never refuses. */
    abstract String keyOf(Event event);

    private static final class ById extends PartitionKeys {

        @Override
        List<Event> keyed(List<Event> events) {
            return events;
        }

        @Override
        String keyOf(Event event) {
            return event.id();
        }
    }

    private static final class AtPointer extends PartitionKeys {

        private final JsonPointer pointer;

        AtPointer(JsonPointer pointer) {
            this.pointer = pointer;
        }

        @Override
        List<Event> keyed(List<Event> events) {
            List<Event> keyed = new ArrayList<>(events.size());
            for (int i = 0; i < events.size(); i++) {
                Event event = events.get(i);
                String key = find(event, i);
                keyed.add(key.equals(event.id()) ? event : event.withKey(key));
            }
            return keyed;
        }

        @Override
        String keyOf(Event event) {
            if (event.key() != null) {
                return event.key();
            }
            try {
                return find(event, -1);
            } catch (InvalidPartitionKeyException e) {
                // Only events keyed at admission reach here; a changed setting must not stop delivery.
                return event.id();
            }
        }

        private String find(Event event, int index) {
            try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), event.framed())) {
                JsonToken token = parser.nextToken();
                JsonPointer rest = pointer;
                while (!rest.matches()) {
                    if (token == JsonToken.START_OBJECT && rest.getMatchingProperty() != null) {
                        token = property(parser, rest.getMatchingProperty());
                    } else if (token == JsonToken.START_ARRAY && rest.getMatchingIndex() >= 0) {
                        token = element(parser, rest.getMatchingIndex());
                    } else {
                        token = null;
                    }
                    if (token == null) {
                        return event.id();
                    }
                    rest = rest.tail();
                }
                return switch (token) {
                    case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        String text = parser.getText();
                        if (text.isEmpty()) {
                            throw new InvalidPartitionKeyException(
                                    index, event.id(), pointer.toString(), "an empty string");
                        }
                        yield text;
                    }
                    case VALUE_NULL ->
                        throw new InvalidPartitionKeyException(index, event.id(), pointer.toString(), "null");
                    case VALUE_TRUE, VALUE_FALSE ->
                        throw new InvalidPartitionKeyException(index, event.id(), pointer.toString(), "a boolean");
                    case START_OBJECT ->
                        throw new InvalidPartitionKeyException(index, event.id(), pointer.toString(), "an object");
                    case START_ARRAY ->
                        throw new InvalidPartitionKeyException(index, event.id(), pointer.toString(), "an array");
                    default -> event.id();
                };
            } catch (JacksonException e) {
                // The parser wrote these bytes itself: they are valid JSON.
                throw new IllegalStateException("an admitted event is not valid JSON", e);
            }
        }

        /** Moves to the value of {@code name} in the object the parser is on; null when absent. */
        private static JsonToken property(JsonParser parser, String name) {
            for (JsonToken token = parser.nextToken(); token == JsonToken.PROPERTY_NAME; token = parser.nextToken()) {
                boolean match = name.equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (match) {
                    return value;
                }
                parser.skipChildren();
            }
            return null;
        }

        /** Moves to element {@code index} of the array the parser is on; null when it is shorter. */
        private static JsonToken element(JsonParser parser, int index) {
            int at = 0;
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (at++ == index) {
                    return token;
                }
                parser.skipChildren();
            }
            return null;
        }
    }
}
