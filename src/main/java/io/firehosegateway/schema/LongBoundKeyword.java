package io.firehosegateway.schema;

import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaContext;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.keyword.Keyword;
import com.networknt.schema.keyword.KeywordValidator;
import com.networknt.schema.path.NodePath;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.BigIntegerNode;

/**
 * networknt's {@code minimum}, {@code maximum}, {@code exclusiveMinimum} and {@code exclusiveMaximum},
 * able to read a number past a {@code long}. For an {@code integer} whose bound is a {@code long},
 * networknt reads the event's number as a {@code long}, which for one written with a fraction or an
 * exponent past that range ({@code 1e19}, {@code 1.0e19}, {@code 1e400}) throws instead of breaking
 * the bound. Such a number lies beyond every {@code long} on its side, so the bound is handed a
 * whole number just past the range with the same sign: the comparison, and so networknt's answer and
 * message, stay the same, without ever writing out the digits of a number such as {@code 1e999999}.
 */
final class LongBoundKeyword implements Keyword {

    private static final Set<String> BOUNDS = Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum");

    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final JsonNode ABOVE =
            BigIntegerNode.valueOf(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE));
    private static final JsonNode BELOW =
            BigIntegerNode.valueOf(BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE));

    private final Keyword networknt;

    private LongBoundKeyword(Keyword networknt) {
        this.networknt = networknt;
    }

    /**
     * Puts this in front of each bound keyword of {@code dialect} in a builder's {@code keywords}: the
     * dialect's complete keywords, since from draft 2019-09 on a builder holds only the core ones and
     * adds a vocabulary's keywords when it builds, each only where the builder has none.
     */
    static void wrapBounds(Dialect dialect, Map<String, Keyword> keywords) {
        dialect.getKeywords().forEach((name, keyword) -> {
            if (BOUNDS.contains(name)) {
                keywords.put(name, new LongBoundKeyword(keyword));
            }
        });
    }

    @Override
    public String getValue() {
        return networknt.getValue();
    }

    @Override
    public KeywordValidator newValidator(SchemaLocation location, JsonNode bound, Schema parent, SchemaContext context)
            throws Exception {
        KeywordValidator validator = networknt.newValidator(location, bound, parent, context);
        // A bound that is no long (1.5, 1e30, or draft 4's boolean exclusiveMaximum) networknt reads as a decimal.
        return bound.isIntegralNumber() && bound.canConvertToLong() ? new Validator(validator) : validator;
    }

    /** The number a {@code long} bound is compared with: the event's, or a stand-in past a long's range. */
    static JsonNode comparable(JsonNode node) {
        if (!node.isFloatingPointNumber()) {
            return node;
        }
        BigDecimal value = node.decimalValue();
        if (value.compareTo(MAX) > 0) {
            return ABOVE;
        }
        return value.compareTo(MIN) < 0 ? BELOW : node;
    }

    private record Validator(KeywordValidator networknt) implements KeywordValidator {

        @Override
        public void validate(ExecutionContext context, JsonNode node, JsonNode root, NodePath location) {
            networknt.validate(context, comparable(node), root, location);
        }

        @Override
        public void walk(ExecutionContext context, JsonNode node, JsonNode root, NodePath location, boolean validate) {
            networknt.walk(context, comparable(node), root, location, validate);
        }

        @Override
        public SchemaLocation getSchemaLocation() {
            return networknt.getSchemaLocation();
        }

        @Override
        public String getKeyword() {
            return networknt.getKeyword();
        }

        @Override
        public void preloadSchema() {
            networknt.preloadSchema();
        }
    }
}
