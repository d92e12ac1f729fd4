package io.firehosegateway.schema;

import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * A check in front of networknt's validator that can only say "valid for sure": compiled from a
 * schema that uses the plain keywords of event schemas (types, properties, required, enum, pattern,
 * the formats of {@link FastFormats}, bounds, lengths, items), it walks an event once without
 * networknt's per-node bookkeeping (an evaluation path and an instance location for every keyword
 * and member, an execution context per event), which a profile found to be most of a schema's cost.
 *
 * <p>networknt stays the judge: an event the shortcut is not sure of, because it is invalid or
 * anywhere near a rule's edge (an integer written {@code 1.0}, a number on a bound, a string whose
 * length in code points differs from its length in UTF-16 units, a format value not of the plain
 * shape), goes to networknt, which decides and says why. A schema with any keyword the shortcut
 * does not know, anywhere, gets no shortcut: {@link #of} returns {@code null}. Every keyword it reads
 * only narrows what a subschema accepts, since all of a subschema's keywords must hold: two that
 * fill the same rule ({@code const} and {@code enum}) keep what both allow. So the gateway's
 * answers are networknt's as long as the shortcut never says valid where networknt says invalid,
 * which {@code SchemaShortcutIntegrationTests} checks on generated and mutated events.
 */
public final class SchemaShortcut {

    private static final Set<String> META_SCHEMAS = Set.of(
            "https://json-schema.org/draft/2020-12/schema",
            "https://json-schema.org/draft/2020-12/schema#",
            "https://json-schema.org/draft/2019-09/schema",
            "https://json-schema.org/draft/2019-09/schema#",
            "http://json-schema.org/draft-07/schema",
            "http://json-schema.org/draft-07/schema#",
            "http://json-schema.org/draft-06/schema",
            "http://json-schema.org/draft-06/schema#");

    /** Keywords that assert nothing. */
    private static final Set<String> ANNOTATIONS = Set.of("$comment", "title", "description", "default", "examples");

    private final Rules root;

    private SchemaShortcut(Rules root) {
        this.root = root;
    }

    /** {@link #of(JsonNode, boolean, RegularExpressionFactory)} with networknt's default regular expressions. */
    static SchemaShortcut of(JsonNode document, boolean formatAssertions) {
        return of(
                document,
                formatAssertions,
                SchemaRegistryConfig.builder().build().getRegularExpressionFactory());
    }

    /**
     * The shortcut of a schema, or {@code null} when it uses a keyword, a draft or a {@code format}
     * the shortcut does not know: then networknt checks every event.
     *
     * @param regexes the factory networknt compiles {@code pattern} with, so both read a pattern alike
     */
    static SchemaShortcut of(JsonNode document, boolean formatAssertions, RegularExpressionFactory regexes) {
        if (document.isObject() && document.has("$schema")) {
            JsonNode draft = document.get("$schema");
            if (!draft.isString() || !META_SCHEMAS.contains(draft.stringValue())) {
                return null;
            }
        }
        try {
            return new SchemaShortcut(new Compiler(formatAssertions, regexes).compile(document, true));
        } catch (Unsupported | RuntimeException e) {
            // A pattern the shortcut cannot compile: networknt, which compiled the schema, decides.
            return null;
        }
    }

    /** Whether the event is valid for sure; {@code false} means "ask networknt", not "invalid". */
    boolean surelyValid(JsonNode event) {
        return root.surelyValid(event);
    }

    /** A schema uses something the shortcut does not know. */
    private static final class Unsupported extends Exception {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private static final int OBJECT = 1;
    private static final int ARRAY = 2;
    private static final int STRING = 4;
    private static final int NUMBER = 8;
    private static final int INTEGER = 16;
    private static final int BOOLEAN = 32;
    private static final int NULL = 64;
    private static final Map<String, Integer> TYPES = Map.of(
            "object", OBJECT,
            "array", ARRAY,
            "string", STRING,
            "number", NUMBER,
            "integer", INTEGER,
            "boolean", BOOLEAN,
            "null", NULL);

    /** One (sub)schema's rules; {@code null} fields are keywords it does not have. */
    private static final class Rules {
        boolean never;
        int types;
        Map<String, Rules> properties;
        String[] required;
        boolean noAdditional;
        Rules additional;
        Values values;
        RegularExpression pattern;
        Predicate<String> format;
        BigDecimal minimum;
        BigDecimal maximum;
        BigDecimal exclusiveMinimum;
        BigDecimal exclusiveMaximum;
        int minLength = -1;
        int maxLength = -1;
        Rules items;
        int minItems = -1;
        int maxItems = -1;
        int minProperties = -1;
        int maxProperties = -1;

        boolean surelyValid(JsonNode node) {
            if (never) {
                return false;
            }
            if (types != 0 && (types & typeOf(node)) == 0) {
                return false;
            }
            if (values != null && !values.contain(node)) {
                return false;
            }
            if (node.isObject()) {
                return objectSurelyValid(node);
            }
            if (node.isArray()) {
                return arraySurelyValid(node);
            }
            if (node.isString()) {
                return stringSurelyValid(node.stringValue());
            }
            if (node.isNumber()) {
                return numberSurelyValid(node);
            }
            return true;
        }

        private boolean objectSurelyValid(JsonNode object) {
            int size = object.size();
            if ((minProperties >= 0 && size < minProperties) || (maxProperties >= 0 && size > maxProperties)) {
                return false;
            }
            if (required != null) {
                for (String name : required) {
                    if (object.get(name) == null) {
                        return false;
                    }
                }
            }
            if (properties == null && !noAdditional && additional == null) {
                return true;
            }
            for (Map.Entry<String, JsonNode> member : object.properties()) {
                Rules rules = properties == null ? null : properties.get(member.getKey());
                if (rules == null) {
                    if (noAdditional) {
                        return false;
                    }
                    rules = additional;
                }
                if (rules != null && !rules.surelyValid(member.getValue())) {
                    return false;
                }
            }
            return true;
        }

        private boolean arraySurelyValid(JsonNode array) {
            int size = array.size();
            if ((minItems >= 0 && size < minItems) || (maxItems >= 0 && size > maxItems)) {
                return false;
            }
            if (items != null) {
                for (JsonNode element : array) {
                    if (!items.surelyValid(element)) {
                        return false;
                    }
                }
            }
            return true;
        }

        private boolean stringSurelyValid(String text) {
            // Lengths are in code points; sure only when UTF-16 units and code points agree on the answer.
            if (maxLength >= 0 && text.length() > maxLength) {
                return false;
            }
            if (minLength >= 0 && (text.length() < minLength || text.codePointCount(0, text.length()) < minLength)) {
                return false;
            }
            if (format != null && !format.test(text)) {
                return false;
            }
            return pattern == null || pattern.matches(text);
        }

        private boolean numberSurelyValid(JsonNode number) {
            if (minimum == null && maximum == null && exclusiveMinimum == null && exclusiveMaximum == null) {
                return true;
            }
            BigDecimal value = number.decimalValue();
            // Infinite beyond a double's range (1e400), where JsonNode.doubleValue() would throw.
            double approximate = value.doubleValue();
            // Sure only strictly inside every bound, in exact decimals and in doubles alike: whichever
            // way networknt compares, it says valid; on a bound, networknt decides.
            return (minimum == null || above(value, approximate, minimum))
                    && (exclusiveMinimum == null || above(value, approximate, exclusiveMinimum))
                    && (maximum == null || below(value, approximate, maximum))
                    && (exclusiveMaximum == null || below(value, approximate, exclusiveMaximum));
        }

        private static boolean above(BigDecimal value, double approximate, BigDecimal bound) {
            return value.compareTo(bound) > 0 && approximate > bound.doubleValue();
        }

        private static boolean below(BigDecimal value, double approximate, BigDecimal bound) {
            return value.compareTo(bound) < 0 && approximate < bound.doubleValue();
        }

        private static int typeOf(JsonNode node) {
            if (node.isObject()) {
                return OBJECT;
            }
            if (node.isArray()) {
                return ARRAY;
            }
            if (node.isString()) {
                return STRING;
            }
            if (node.isIntegralNumber()) {
                return NUMBER | INTEGER;
            }
            if (node.isNumber()) {
                // A decimal may be an integer (1.0) to one draft and not to another: networknt decides.
                return NUMBER;
            }
            if (node.isBoolean()) {
                return BOOLEAN;
            }
            return node.isNull() ? NULL : 0;
        }
    }

    /** The values of {@code enum} or {@code const} the shortcut can compare surely: strings, integers, booleans, null. */
    private static final class Values {
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
        Values and(Values other) {
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

    private static final class Compiler {

        private final boolean formatAssertions;
        private final RegularExpressionFactory regexes;

        Compiler(boolean formatAssertions, RegularExpressionFactory regexes) {
            this.formatAssertions = formatAssertions;
            this.regexes = regexes;
        }

        Rules compile(JsonNode schema, boolean root) throws Unsupported {
            Rules rules = new Rules();
            if (schema.isBoolean()) {
                rules.never = !schema.booleanValue();
                return rules;
            }
            if (!schema.isObject()) {
                throw new Unsupported();
            }
            for (Map.Entry<String, JsonNode> keyword : schema.properties()) {
                JsonNode value = keyword.getValue();
                switch (keyword.getKey()) {
                    case "$schema" -> {
                        if (!root) {
                            throw new Unsupported();
                        }
                    }
                    case "type" -> rules.types = types(value);
                    case "properties" -> {
                        if (!value.isObject()) {
                            throw new Unsupported();
                        }
                        Map<String, Rules> properties = new HashMap<>();
                        for (Map.Entry<String, JsonNode> property : value.properties()) {
                            properties.put(property.getKey(), compile(property.getValue(), false));
                        }
                        rules.properties = properties;
                    }
                    case "required" -> rules.required = names(value);
                    case "additionalProperties" -> {
                        if (value.isBoolean()) {
                            rules.noAdditional = !value.booleanValue();
                        } else {
                            rules.additional = compile(value, false);
                        }
                    }
                    case "enum" -> {
                        if (!value.isArray()) {
                            throw new Unsupported();
                        }
                        Values values = new Values();
                        value.forEach(values::add);
                        rules.values = values.and(rules.values);
                    }
                    case "const" -> {
                        Values values = new Values();
                        values.add(value);
                        rules.values = values.and(rules.values);
                    }
                    case "pattern" -> {
                        if (!value.isString()) {
                            throw new Unsupported();
                        }
                        rules.pattern = regexes.getRegularExpression(value.stringValue());
                    }
                    case "format" -> rules.format = format(value);
                    case "minimum" -> rules.minimum = number(value);
                    case "maximum" -> rules.maximum = number(value);
                    case "exclusiveMinimum" -> rules.exclusiveMinimum = number(value);
                    case "exclusiveMaximum" -> rules.exclusiveMaximum = number(value);
                    case "minLength" -> rules.minLength = count(value);
                    case "maxLength" -> rules.maxLength = count(value);
                    case "items" -> rules.items = compile(value, false);
                    case "minItems" -> rules.minItems = count(value);
                    case "maxItems" -> rules.maxItems = count(value);
                    case "minProperties" -> rules.minProperties = count(value);
                    case "maxProperties" -> rules.maxProperties = count(value);
                    default -> {
                        if (!ANNOTATIONS.contains(keyword.getKey())) {
                            throw new Unsupported();
                        }
                    }
                }
            }
            return rules;
        }

        private static int types(JsonNode value) throws Unsupported {
            List<JsonNode> names = new ArrayList<>();
            if (value.isArray()) {
                value.forEach(names::add);
            } else {
                names.add(value);
            }
            int types = 0;
            for (JsonNode name : names) {
                Integer type = name.isString() ? TYPES.get(name.stringValue()) : null;
                if (type == null) {
                    throw new Unsupported();
                }
                types |= type;
            }
            // "number" takes integers too.
            return (types & NUMBER) != 0 ? types | INTEGER : types;
        }

        private static String[] names(JsonNode value) throws Unsupported {
            if (!value.isArray()) {
                throw new Unsupported();
            }
            String[] names = new String[value.size()];
            for (int i = 0; i < names.length; i++) {
                if (!value.get(i).isString()) {
                    throw new Unsupported();
                }
                names[i] = value.get(i).stringValue();
            }
            return names;
        }

        private Predicate<String> format(JsonNode value) throws Unsupported {
            if (!value.isString()) {
                throw new Unsupported();
            }
            if (!formatAssertions) {
                return null;
            }
            Predicate<String> shape = FastFormats.shape(value.stringValue());
            if (shape == null) {
                throw new Unsupported();
            }
            return shape;
        }

        private static BigDecimal number(JsonNode value) throws Unsupported {
            if (!value.isNumber()) {
                throw new Unsupported();
            }
            return value.decimalValue();
        }

        private static int count(JsonNode value) throws Unsupported {
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
                throw new Unsupported();
            }
            return value.intValue();
        }
    }
}
