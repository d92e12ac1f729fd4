package io.firehosegateway.schema;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The values of {@code enum} or {@code const} that {@link SchemaShortcut} can compare surely: strings,
 * integers, booleans, null.
 */
final class ShortcutValues {
    final Set<String> strings = new HashSet<>();
    final Set<BigInteger> integers = new HashSet<>();
    boolean isTrue;
    boolean isFalse;
    boolean isNull;

    boolean contain(JsonNode node) {
        if (node.isString()) {
            return strings.contains(node.stringValue());
        }
        if (node.isIntegralNumber()) {
            return integers.contains(node.bigIntegerValue());
        }
        if (node.isBoolean()) {
            return node.booleanValue() ? isTrue : isFalse;
        }
        // Decimals, objects and arrays: networknt's equality decides.
        return node.isNull() && isNull;
    }

    /**
     * The values both this and {@code other} allow: {@code const} and {@code enum} in one subschema
     * must both hold, so the second narrows what the first allows rather than replacing it.
     *
     * @param other the values another keyword allows; {@code null} when there is none
     */
    ShortcutValues and(ShortcutValues other) {
        if (other != null) {
            strings.retainAll(other.strings);
            integers.retainAll(other.integers);
            isTrue &= other.isTrue;
            isFalse &= other.isFalse;
            isNull &= other.isNull;
        }
        return this;
    }

    void add(JsonNode value) {
        if (value.isString()) {
            strings.add(value.stringValue());
        } else if (value.isIntegralNumber()) {
            integers.add(value.bigIntegerValue());
        } else if (value.isBoolean()) {
            if (value.booleanValue()) {
                isTrue = true;
            } else {
                isFalse = true;
            }
        } else if (value.isNull()) {
            isNull = true;
        }
        // A decimal, object or array value matches nothing here, so such instances go to networknt.
    }
}
