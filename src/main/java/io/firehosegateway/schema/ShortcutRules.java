package io.firehosegateway.schema;

import com.networknt.schema.regex.RegularExpression;
import java.math.BigDecimal;
import java.util.Map;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * One (sub)schema's rules as {@link SchemaShortcut} reads them, filled by {@link ShortcutCompiler};
 * {@code null} fields (and {@code -1} counts) are keywords it does not have.
 */
final class ShortcutRules {

    /** JSON types as bits, so a {@code type} list is one mask. */
    static final int OBJECT = 1;

    static final int ARRAY = 2;
    static final int STRING = 4;
    static final int NUMBER = 8;
    static final int INTEGER = 16;
    static final int BOOLEAN = 32;
    static final int NULL = 64;
    static final Map<String, Integer> TYPES = Map.of(
            "object", OBJECT,
            "array", ARRAY,
            "string", STRING,
            "number", NUMBER,
            "integer", INTEGER,
            "boolean", BOOLEAN,
            "null", NULL);

    boolean never;
    int types;
    Map<String, ShortcutRules> properties;
    String[] required;
    boolean noAdditional;
    ShortcutRules additional;
    ShortcutValues values;
    RegularExpression pattern;
    Predicate<String> format;
    BigDecimal minimum;
    BigDecimal maximum;
    BigDecimal exclusiveMinimum;
    BigDecimal exclusiveMaximum;
    int minLength = -1;
    int maxLength = -1;
    ShortcutRules items;
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
            ShortcutRules rules = properties == null ? null : properties.get(member.getKey());
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
