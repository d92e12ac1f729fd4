package io.firehosegateway.api;

import java.util.Arrays;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ContainerNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds an event's tree from the tokens {@link EventWriter} copies, so a stream with a schema reads
 * each event once instead of parsing its framed bytes a second time for the validator.
 *
 * <p>The tree is the one {@code readTree} of the framed event gives with {@code
 * USE_BIG_DECIMAL_FOR_FLOATS} (what {@link io.firehosegateway.schema.StreamSchemas} validates):
 * integers as {@code int}, {@code long} or {@code BigInteger} by size, other numbers as {@code
 * BigDecimal} as written, members in their order, and an id the gateway added as the first member.
 * One builder serves every event of a request.
 */
final class EventTreeBuilder {

    private static final JsonNodeFactory nodes = JsonNodeFactory.instance;

    private ContainerNode<?>[] open = new ContainerNode<?>[8];
    private int depth;
    private String name;
    private ObjectNode root;

    /** Forgets what an event left half built when writing it failed. */
    void reset() {
        Arrays.fill(open, 0, depth, null);
        depth = 0;
        name = null;
        root = null;
    }

    void startObject() {
        ObjectNode object = nodes.objectNode();
        if (depth == 0) {
            root = object;
        } else {
            add(object);
        }
        push(object);
    }

    void startArray() {
        ArrayNode array = nodes.arrayNode();
        add(array);
        push(array);
    }

    void end() {
        open[--depth] = null;
    }

    void name(String name) {
        this.name = name;
    }

    void string(char[] text, int offset, int length) {
        add(nodes.stringNode(new String(text, offset, length)));
    }

    /** The number the parser is on, the parser's type deciding its node as {@code readTree}'s does. */
    void number(JsonParser parser) {
        add(
                switch (parser.getNumberType()) {
                    case INT -> nodes.numberNode(parser.getIntValue());
                    case LONG -> nodes.numberNode(parser.getLongValue());
                    case BIG_INTEGER -> nodes.numberNode(parser.getBigIntegerValue());
                    default -> nodes.numberNode(parser.getDecimalValue());
                });
    }

    void bool(boolean value) {
        add(nodes.booleanNode(value));
    }

    void nul() {
        add(nodes.nullNode());
    }

    /**
     * The event just built, and the builder ready for the next one.
     *
     * @param addedId the id the gateway gave the event, which its framed form has as its first
     *     member; {@code null} when the client sent one
     */
    JsonNode take(String addedId) {
        ObjectNode event = root;
        reset();
        if (addedId == null) {
            return event;
        }
        ObjectNode withId = nodes.objectNode();
        withId.put("id", addedId);
        return withId.setAll(event);
    }

    private void add(JsonNode value) {
        ContainerNode<?> parent = open[depth - 1];
        if (parent instanceof ObjectNode object) {
            object.set(name, value);
        } else {
            ((ArrayNode) parent).add(value);
        }
    }

    private void push(ContainerNode<?> container) {
        if (depth == open.length) {
            open = Arrays.copyOf(open, depth * 2);
        }
        open[depth++] = container;
    }
}
