package io.firehosegateway.schema;

import com.networknt.schema.regex.RegularExpressionFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * Compiles a schema into {@link ShortcutRules}, or throws {@link Unsupported} at the first keyword,
 * value or {@code format} the shortcut does not know, so that networknt alone checks that schema.
 */
final class ShortcutCompiler {

    /** Keywords that assert nothing. */
    private static final Set<String> ANNOTATIONS = Set.of("$comment", "title", "description", "default", "examples");

    /** A schema uses something the shortcut does not know. */
    static final class Unsupported extends Exception {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private final boolean formatAssertions;
    private final RegularExpressionFactory regexes;

    ShortcutCompiler(boolean formatAssertions, RegularExpressionFactory regexes) {
        this.formatAssertions = formatAssertions;
        this.regexes = regexes;
    }

    ShortcutRules compile(JsonNode schema, boolean root) throws Unsupported {
        ShortcutRules rules = new ShortcutRules();
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
                    Map<String, ShortcutRules> properties = new HashMap<>();
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
                    ShortcutValues values = new ShortcutValues();
                    value.forEach(values::add);
                    rules.values = values.and(rules.values);
                }
                case "const" -> {
                    ShortcutValues values = new ShortcutValues();
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
            Integer type = name.isString() ? ShortcutRules.TYPES.get(name.stringValue()) : null;
            if (type == null) {
                throw new Unsupported();
            }
            types |= type;
        }
        // "number" takes integers too.
        return (types & ShortcutRules.NUMBER) != 0 ? types | ShortcutRules.INTEGER : types;
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
