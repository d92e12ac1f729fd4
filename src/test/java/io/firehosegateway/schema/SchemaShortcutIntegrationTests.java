package io.firehosegateway.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Differential tests of {@link SchemaShortcut}: it may only say "valid" for an event networknt accepts
 * too. Each schema is compiled by networknt as the gateway compiles it and by the shortcut from the same
 * document; every base event, every single mutation of it (each member removed, each value replaced by
 * values of every JSON type and by the schema's own boundary values, each string edited character by
 * character, members and elements added) and a seeded random fuzz are checked by both, on the
 * schemas written here and on seeded random ones whose every subschema has several keywords at once
 * ({@code const} beside {@code enum}, either beside a type, bounds, lengths, a pattern or a format).
 * An event the shortcut calls valid and networknt refuses fails the test, naming the schema and the
 * event.
 */
class SchemaShortcutIntegrationTests {

    private static final int FUZZ = 4_000;

    /** How the gateway reads an event (StreamSchemas, EventTreeBuilder): decimals as written. */
    private static final JsonMapper EVENTS = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** A default mapper, so a shortcut that only copes with BigDecimal trees is caught too. */
    private static final JsonMapper DOUBLES = JsonMapper.builder().build();

    private static final String DRAFT_2020_12 = "\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", ";

    /** The factory networknt compiles {@code pattern} with under the gateway's settings. */
    private static final RegularExpressionFactory REGEXES =
            SchemaRegistryConfig.builder().build().getRegularExpressionFactory();

    @TempDir
    Path directory;

    private static SchemaShortcut shortcut(JsonNode document, boolean formatAssertions) {
        return SchemaShortcut.of(document, formatAssertions, REGEXES);
    }

    /**
     * A schema to compare on.
     *
     * @param valid events networknt accepts, which the shortcut must call valid (else it is dead code)
     * @param seeds further events to mutate, valid or not
     * @param fuzz how many random mutation chains of the seeds to check
     */
    private record Case(String name, String schema, List<String> valid, List<String> seeds, int fuzz) {
        Case(String name, String schema, List<String> valid, List<String> seeds) {
            this(name, schema, valid, seeds, FUZZ);
        }

        Case(String name, String schema, String... valid) {
            this(name, schema, List.of(valid), List.of(), FUZZ);
        }
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("order", SchemaTestFiles.ORDER, SchemaTestFiles.order(1), SchemaTestFiles.order(2)));
        cases.add(new Case(
                "order without the optional members",
                SchemaTestFiles.ORDER,
                List.of("{\"id\":\"order-7\",\"type\":\"order\",\"at\":\"2026-12-02T01:00:00Z\","
                        + "\"customer\":{\"id\":\"c\",\"email\":\"a@b.de\"},\"total\":1,\"currency\":\"EUR\"}"),
                List.of("{\"id\":\"order-7\",\"type\":\"order\",\"at\":\"2026-12-02T01:00:00Z\","
                        + "\"customer\":{\"id\":\"c\",\"email\":\"a@b.de\"},\"total\":0,\"currency\":\"EUR\"}")));
        cases.add(new Case(
                "integer with bounds",
                "{" + DRAFT_2020_12 + "\"type\": \"object\", \"required\": [\"n\"], \"properties\": {"
                        + "\"n\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 100},"
                        + "\"m\": {\"type\": \"integer\"}}}",
                List.of("{\"n\":2}", "{\"n\":99,\"m\":-5}", "{\"n\":50,\"m\":123456789012345678901234567890}"),
                List.of("{\"n\":1}", "{\"n\":100}", "{\"n\":1.0}", "{\"n\":1e2}", "{\"n\":5,\"m\":-0}")));
        cases.add(new Case(
                "number with exclusive bounds",
                "{\"type\": \"object\", \"properties\": {"
                        + "\"x\": {\"type\": \"number\", \"exclusiveMinimum\": 0.1, \"exclusiveMaximum\": 1e2},"
                        + "\"y\": {\"type\": \"number\", \"minimum\": -0, \"maximum\": 0.1},"
                        + "\"z\": {\"type\": \"number\", \"minimum\": 0.1, "
                        + "\"maximum\": 0.1000000000000000055511151231257827},"
                        + "\"w\": {\"type\": \"number\", \"exclusiveMinimum\": -1.5, \"exclusiveMaximum\": 0}}}",
                List.of("{\"x\":0.5,\"y\":0.05,\"w\":-1}", "{\"x\":99.99,\"w\":-0.5}", "{\"x\":1}"),
                List.of("{\"y\":0,\"z\":0.1}", "{\"y\":0.1,\"z\":0.1000000000000000055511151231257827}")));
        cases.add(new Case(
                "huge integers",
                "{\"type\": \"object\", \"properties\": {"
                        + "\"long\": {\"type\": \"integer\", \"minimum\": -9223372036854775808, "
                        + "\"maximum\": 9223372036854775807},"
                        + "\"exact\": {\"type\": \"integer\", \"maximum\": 9007199254740992},"
                        + "\"big\": {\"type\": \"number\", \"minimum\": 123456789012345678901234567890}}}",
                List.of("{\"long\":0,\"exact\":9007199254740991,\"big\":200000000000000000000000000000}"),
                List.of(
                        "{\"long\":9223372036854775807,\"exact\":9007199254740992}",
                        "{\"long\":-9223372036854775808,\"big\":123456789012345678901234567890}",
                        "{\"big\":123456789012345678901234567891}")));
        cases.add(new Case(
                "string lengths",
                "{\"type\": \"object\", \"properties\": {"
                        + "\"s\": {\"type\": \"string\", \"minLength\": 2, \"maxLength\": 3},"
                        + "\"t\": {\"type\": \"string\", \"maxLength\": 1},"
                        + "\"u\": {\"type\": \"string\", \"minLength\": 1}}}",
                List.of("{\"s\":\"ab\",\"t\":\"x\",\"u\":\"y\"}", "{\"s\":\"abc\",\"t\":\"\"}", "{\"s\":\"e\\u0301\"}"),
                List.of("{\"s\":\"\\ud83d\\ude00\\ud83d\\ude00\",\"t\":\"\\ud83d\\ude00\",\"u\":\"\\ud83d\\ude00\"}")));
        cases.add(new Case(
                "enum and const",
                "{\"type\": \"object\", \"properties\": {"
                        + "\"e\": {\"enum\": [\"a\", \"b\", 1, 2.5, null, true, {\"k\": [1, 2]}, [1, \"x\"]]},"
                        + "\"c\": {\"const\": 1}, \"d\": {\"const\": 1.0}, \"s\": {\"const\": \"x\"},"
                        + "\"o\": {\"const\": {\"a\": 1, \"b\": [null]}}, \"l\": {\"const\": [false, \"y\"]},"
                        + "\"n\": {\"const\": null}, \"b\": {\"const\": false}}}",
                List.of(
                        "{\"e\":\"a\",\"c\":1,\"s\":\"x\",\"n\":null,\"b\":false}",
                        "{\"e\":1}",
                        "{\"e\":null}",
                        "{\"e\":true}"),
                List.of(
                        "{\"e\":2.5,\"d\":1.0,\"o\":{\"a\":1,\"b\":[null]},\"l\":[false,\"y\"]}",
                        "{\"e\":{\"k\":[1,2]}}",
                        "{\"e\":[1,\"x\"]}",
                        "{\"c\":1.0,\"d\":1,\"o\":{\"b\":[null],\"a\":1}}")));
        cases.add(new Case(
                "type arrays",
                "{\"type\": \"object\", \"properties\": {"
                        + "\"t\": {\"type\": [\"integer\", \"null\"]},"
                        + "\"u\": {\"type\": [\"string\", \"number\", \"boolean\"]},"
                        + "\"v\": {\"type\": [\"array\", \"object\"]}}}",
                "{\"t\":null,\"u\":\"x\",\"v\":[]}",
                "{\"t\":3,\"u\":true,\"v\":{}}",
                "{\"u\":1.5}"));
        cases.add(new Case(
                "additionalProperties false",
                "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\"}, \"b\": {}},"
                        + "\"additionalProperties\": false}",
                "{\"a\":\"x\"}",
                "{}",
                "{\"b\":[1]}"));
        cases.add(new Case(
                "additionalProperties a schema",
                "{\"properties\": {\"a\": {}}, \"additionalProperties\": {\"type\": \"integer\", \"minimum\": 0}}",
                List.of("{\"a\":\"anything\",\"b\":1}", "{\"a\":{\"b\":-1},\"d\":7}"),
                List.of("{\"c\":0}")));
        cases.add(new Case(
                "nested items",
                "{\"type\": \"object\", \"properties\": {"
                        + "\"m\": {\"type\": \"array\", \"minItems\": 1, \"maxItems\": 3, \"items\": {"
                        + "\"type\": \"array\", \"items\": {\"type\": \"object\", \"required\": [\"v\"],"
                        + "\"properties\": {\"v\": {\"type\": \"number\"}}}}}}}",
                "{\"m\":[[{\"v\":1}],[]]}",
                "{\"m\":[[],[{\"v\":2.5,\"w\":0},{\"v\":-1}],[]]}"));
        cases.add(new Case(
                "required",
                "{\"required\": [\"a\", \"b\"], \"properties\": {\"a\": {\"type\": \"string\"}, \"b\": {}},"
                        + "\"minProperties\": 2, \"maxProperties\": 3}",
                "{\"a\":\"x\",\"b\":null}",
                "{\"b\":0,\"a\":\"\",\"c\":{}}"));
        cases.add(new Case(
                "patterns",
                "{\"type\": \"object\", \"properties\": {"
                        + "\"digits\": {\"type\": \"string\", \"pattern\": \"^[0-9]+$\"},"
                        + "\"d\": {\"type\": \"string\", \"pattern\": \"^\\\\d+$\"},"
                        + "\"letters\": {\"type\": \"string\", \"pattern\": \"^\\\\p{L}+$\"},"
                        + "\"inside\": {\"type\": \"string\", \"pattern\": \"abc\"},"
                        + "\"anchored\": {\"type\": \"string\", \"pattern\": \"^a$\"},"
                        + "\"start\": {\"pattern\": \"^x\"},"
                        + "\"word\": {\"type\": \"string\", \"pattern\": \"^\\\\w+$\"},"
                        + "\"end\": {\"type\": \"string\", \"pattern\": \"z$\"},"
                        + "\"dot\": {\"type\": \"string\", \"pattern\": \"^.$\"}}}",
                "{\"digits\":\"123\",\"d\":\"42\",\"letters\":\"h\u00e9llo\",\"inside\":\"xxabcxx\","
                        + "\"anchored\":\"a\",\"start\":\"xyz\",\"word\":\"ab_1\",\"end\":\"zz\",\"dot\":\"q\"}",
                "{\"start\":5,\"inside\":\"abc\",\"letters\":\"\u00c4\"}"));
        cases.add(new Case(
                "formats",
                "{\"type\": \"object\", \"properties\": {"
                        + "\"email\": {\"type\": \"string\", \"format\": \"email\"},"
                        + "\"at\": {\"format\": \"date-time\"},"
                        + "\"session\": {\"type\": \"string\", \"format\": \"uuid\"},"
                        + "\"ip\": {\"format\": \"ipv4\"}}}",
                List.of(
                        "{\"email\":\"ada@example.com\",\"at\":\"2026-12-02T01:00:00.123Z\","
                                + "\"session\":\"0193a4a0-0000-7000-8000-000000000001\",\"ip\":\"192.0.2.1\"}",
                        "{\"at\":5,\"ip\":null}"),
                List.of("{\"email\":\"first.last+tag@mail.example.co.uk\",\"at\":\"2024-02-29T23:59:59+01:00\","
                        + "\"session\":\"0193A4A0-FFFF-7000-8000-ABCDEFabcdef\",\"ip\":\"255.255.255.255\"}")));
        cases.add(new Case(
                "draft-07",
                "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"type\": \"object\","
                        + "\"required\": [\"email\", \"n\"], \"properties\": {"
                        + "\"email\": {\"type\": \"string\", \"format\": \"email\"},"
                        + "\"n\": {\"type\": \"integer\", \"exclusiveMinimum\": 0, \"exclusiveMaximum\": 10},"
                        + "\"tags\": {\"type\": \"array\", \"items\": {\"type\": \"string\", \"maxLength\": 4}},"
                        + "\"kind\": {\"const\": \"signup\"}},"
                        + "\"additionalProperties\": {\"type\": \"boolean\"}}",
                "{\"email\":\"ada@example.com\",\"n\":2}",
                "{\"email\":\"a@b.de\",\"n\":8,\"tags\":[\"ab\",\"\"],\"kind\":\"signup\",\"extra\":true}"));
        cases.add(new Case(
                "draft 2019-09",
                "{\"$schema\": \"https://json-schema.org/draft/2019-09/schema\", \"type\": \"object\","
                        + "\"properties\": {\"n\": {\"type\": \"number\", \"exclusiveMaximum\": 5},"
                        + "\"at\": {\"format\": \"date-time\"}}}",
                "{\"n\":4.99,\"at\":\"2026-12-02T01:00:00Z\"}"));
        cases.add(new Case(
                "draft-06",
                "{\"$schema\": \"http://json-schema.org/draft-06/schema#\", \"type\": \"object\","
                        + "\"properties\": {\"n\": {\"type\": \"integer\", \"minimum\": 2},"
                        + "\"ip\": {\"format\": \"ipv4\"}}}",
                "{\"n\":3,\"ip\":\"10.0.0.1\"}"));
        cases.add(new Case(
                "annotations and boolean schemas",
                "{\"$comment\": \"c\", \"title\": \"t\", \"description\": \"d\", \"default\": {},"
                        + "\"examples\": [{}], \"properties\": {\"yes\": true, \"no\": false,"
                        + "\"a\": {\"default\": 5, \"examples\": [\"q\"], \"type\": \"string\", \"title\": \"a\"}}}",
                "{}",
                "{\"yes\":[1,{}],\"a\":\"q\"}"));
        cases.add(new Case(
                "keywords for other types are ignored",
                "{\"properties\": {\"a\": {\"items\": {\"type\": \"string\"}, \"minItems\": 1, \"minLength\": 2,"
                        + "\"minimum\": 3, \"required\": [\"z\"], \"pattern\": \"^q\", \"maxProperties\": 1,"
                        + "\"maxLength\": 3}}}",
                "{\"a\":\"qq\"}",
                "{\"a\":5}",
                "{\"a\":3.5}",
                "{\"a\":[\"s\"]}",
                "{\"a\":{\"z\":1}}",
                "{\"a\":null}",
                "{\"a\":true}"));
        cases.add(new Case(
                "several keywords on one value",
                "{\"type\": \"object\", \"properties\": {"
                        + "\"s\": {\"const\": \"a\", \"enum\": [\"a\", \"b\"]},"
                        + "\"t\": {\"enum\": [\"a\", \"b\"], \"const\": \"c\"},"
                        + "\"u\": {\"enum\": [1, 2, \"x\", true, null], \"const\": 2},"
                        + "\"n\": {\"type\": \"integer\", \"enum\": [1, 2, 3, \"x\"], \"minimum\": 1.5},"
                        + "\"l\": {\"maxLength\": 1, \"enum\": [\"a\", \"bb\", 7]},"
                        + "\"p\": {\"pattern\": \"^a\", \"type\": \"string\", \"const\": \"ab\"}}}",
                List.of("{\"s\":\"a\",\"u\":2,\"n\":2,\"l\":\"a\",\"p\":\"ab\"}", "{\"n\":3,\"l\":7}"),
                List.of("{\"s\":\"b\",\"t\":\"c\",\"u\":\"x\",\"n\":1,\"l\":\"bb\"}", "{\"t\":\"a\",\"u\":null}")));
        cases.add(new Case("true", "true", "{}", "{\"a\":[1]}"));
        cases.add(new Case("false", "false", List.of(), List.of("{}")));
        cases.add(new Case("empty", "{}", "{}", "{\"a\":1}"));
        return cases;
    }

    // --- generated schemas with several keywords per subschema ----------------------------------

    private static final int SEVERAL_KEYWORD_SCHEMAS = 16;

    /** Values for const and enum that overlap each other and the generated types, bounds, lengths and formats. */
    private static final List<String> KEYWORD_VALUES = List.of(
            "\"a\"",
            "\"b\"",
            "\"ab\"",
            "\"abc\"",
            "\"\"",
            "\"123\"",
            "0",
            "1",
            "2",
            "3",
            "-1",
            "10",
            "1.5",
            "2.0",
            "true",
            "false",
            "null",
            "[1]",
            "[1,2]",
            "{\"a\":1}",
            "{\"a\":\"b\"}",
            "\"a@b.de\"",
            "\"2026-12-02T01:00:00Z\"",
            "\"192.0.2.1\"",
            "\"0193a4a0-0000-7000-8000-000000000001\"");

    private static final List<String> KEYWORDS = List.of(
            "type",
            "const",
            "enum",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "minLength",
            "maxLength",
            "pattern",
            "format",
            "items",
            "minItems",
            "maxItems",
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties");

    /**
     * Seeded random schemas whose every subschema has two to five keywords in a random order, the first
     * property's always both {@code const} and {@code enum}; each with two seeds that take the values its
     * {@code const} and its {@code enum} name.
     */
    private static List<Case> severalKeywordCases() {
        Random random = new Random(22);
        List<Case> cases = new ArrayList<>();
        for (int n = 0; n < SEVERAL_KEYWORD_SCHEMAS; n++) {
            ObjectNode schema = EVENTS.createObjectNode();
            if (n % 3 == 2) {
                schema.put("$schema", "http://json-schema.org/draft-07/schema#");
            }
            schema.put("type", "object");
            ObjectNode properties = EVENTS.createObjectNode();
            ObjectNode byConst = EVENTS.createObjectNode();
            ObjectNode byEnum = EVENTS.createObjectNode();
            for (int p = 0; p < 5; p++) {
                ObjectNode subschema = severalKeywords(random, 1, p == 0);
                properties.set("p" + p, subschema);
                byConst.set("p" + p, ownValue(random, subschema.get("const")));
                JsonNode values = subschema.get("enum");
                byEnum.set(
                        "p" + p, ownValue(random, values == null ? null : values.get(random.nextInt(values.size()))));
            }
            schema.set("properties", properties);
            cases.add(new Case(
                    "several keywords " + n,
                    EVENTS.writeValueAsString(schema),
                    List.of(),
                    List.of(EVENTS.writeValueAsString(byConst), EVENTS.writeValueAsString(byEnum)),
                    FUZZ / 8));
        }
        return cases;
    }

    private static JsonNode ownValue(Random random, JsonNode value) {
        return value != null ? value.deepCopy() : keywordValue(random);
    }

    private static JsonNode keywordValue(Random random) {
        return event(KEYWORD_VALUES.get(random.nextInt(KEYWORD_VALUES.size())));
    }

    private static ObjectNode severalKeywords(Random random, int depth, boolean constAndEnum) {
        List<String> chosen = new ArrayList<>();
        if (constAndEnum) {
            chosen.add("const");
            chosen.add("enum");
        } else if (random.nextBoolean()) {
            chosen.add(random.nextBoolean() ? "const" : "enum");
        }
        int size = chosen.size() + 1 + random.nextInt(3);
        while (chosen.size() < size) {
            String keyword = KEYWORDS.get(random.nextInt(KEYWORDS.size()));
            boolean nests =
                    keyword.equals("items") || keyword.equals("properties") || keyword.equals("additionalProperties");
            if (!chosen.contains(keyword) && (depth > 0 || !nests)) {
                chosen.add(keyword);
            }
        }
        Collections.shuffle(chosen, random);
        JsonNode constant = keywordValue(random);
        ObjectNode subschema = EVENTS.createObjectNode();
        for (String keyword : chosen) {
            subschema.set(
                    keyword,
                    switch (keyword) {
                        case "type" -> types(random);
                        case "const" -> constant;
                        case "enum" -> enumValues(random, chosen.contains("const") ? constant : null);
                        case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" ->
                            event(List.of("-1", "0", "1", "1.5", "2", "3", "10").get(random.nextInt(7)));
                        case "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties" ->
                            event(String.valueOf(random.nextInt(4)));
                        case "pattern" ->
                            EVENTS.getNodeFactory()
                                    .stringNode(List.of("^a", "b$", "^[ab]*$", "^\\d+$")
                                            .get(random.nextInt(4)));
                        case "format" ->
                            EVENTS.getNodeFactory()
                                    .stringNode(List.of("email", "date-time", "uuid", "ipv4")
                                            .get(random.nextInt(4)));
                        case "items" -> severalKeywords(random, depth - 1, false);
                        case "properties" -> {
                            ObjectNode nested = EVENTS.createObjectNode();
                            nested.set("a", severalKeywords(random, depth - 1, random.nextBoolean()));
                            nested.set("b", severalKeywords(random, depth - 1, false));
                            yield nested;
                        }
                        case "required" -> event(random.nextBoolean() ? "[\"a\"]" : "[\"a\",\"b\"]");
                        case "additionalProperties" ->
                            random.nextBoolean()
                                    ? EVENTS.getNodeFactory().booleanNode(false)
                                    : severalKeywords(random, depth - 1, false);
                        default -> throw new IllegalStateException(keyword);
                    });
        }
        return subschema;
    }

    private static String sameness(JsonNode value) {
        return value.isNumber() ? value.decimalValue().stripTrailingZeros().toPlainString() : value.toString();
    }

    private static JsonNode types(Random random) {
        List<String> names = List.of("string", "integer", "number", "boolean", "null", "array", "object");
        if (random.nextInt(3) > 0) {
            return EVENTS.getNodeFactory().stringNode(names.get(random.nextInt(names.size())));
        }
        ArrayNode two = EVENTS.createArrayNode();
        two.add(names.get(random.nextInt(names.size())));
        String other = names.get(random.nextInt(names.size()));
        if (!other.equals(two.get(0).stringValue())) {
            two.add(other);
        }
        return two;
    }

    /**
     * One to four values distinct as JSON Schema compares them (2 and 2.0 are one value, which an enum
     * may not list twice); most often with the subschema's const among them, sometimes not.
     */
    private static ArrayNode enumValues(Random random, JsonNode constant) {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        if (constant != null && random.nextInt(4) > 0) {
            values.put(sameness(constant), constant);
        }
        int size = values.size() + 1 + random.nextInt(3);
        while (values.size() < size) {
            JsonNode value = keywordValue(random);
            values.put(sameness(value), value);
        }
        List<JsonNode> shuffled = new ArrayList<>(values.values());
        Collections.shuffle(shuffled, random);
        ArrayNode array = EVENTS.createArrayNode();
        shuffled.forEach(array::add);
        return array;
    }

    private CompiledSchema networknt(Case schema, boolean formatAssertions) {
        Path file = SchemaTestFiles.write(directory, "schema.json", schema.schema());
        return new SchemaCompiler(formatAssertions).compile(null, file.toString(), SchemaCompiler.newFileSet());
    }

    private static JsonNode event(String json) {
        return EVENTS.readTree(json);
    }

    @Test
    void theShortcutNeverCallsValidAnEventNetworkntRefuses() {
        Comparison comparison = compare("", cases());
        assertThat(comparison.pairs()).as("schema/event pairs compared").isGreaterThan(100_000);
        assertThat(comparison.surelyValid())
                .as("pairs the shortcut called valid")
                .isPositive();
        comparison.assertSound();
    }

    /**
     * Keywords that each narrow the values a subschema allows ({@code const} and {@code enum}, a type,
     * bounds, lengths, a pattern or a format beside them) are all kept: none replaces what another said.
     */
    @Test
    void theShortcutNeverCallsValidAnEventNetworkntRefusesWhereOneSubschemaHasSeveralKeywords() {
        Comparison comparison = compare(", several keywords", severalKeywordCases());
        assertThat(comparison.pairs()).as("schema/event pairs compared").isGreaterThan(100_000);
        assertThat(comparison.surelyValid())
                .as("pairs the shortcut called valid")
                .isGreaterThan(1_000);
        comparison.assertSound();
    }

    @Test
    void aConstBesideAnEnumStillRefusesTheEnumsOtherValues() {
        for (String schema : List.of(
                "{\"properties\": {\"s\": {\"const\": \"a\", \"enum\": [\"a\", \"b\"]}}}",
                "{\"properties\": {\"s\": {\"enum\": [\"a\", \"b\"], \"const\": \"a\"}}}")) {
            SchemaShortcut shortcut = shortcut(EVENTS.readTree(schema), true);

            assertThat(shortcut.surelyValid(event("{\"s\":\"b\"}"))).as(schema).isFalse();
            assertThat(shortcut.surelyValid(event("{\"s\":\"a\"}"))).as(schema).isTrue();
        }
    }

    /** What comparing the shortcut with networknt found. */
    private record Comparison(int pairs, int surelyValid, List<String> unsound, List<String> thrown) {

        void assertSound() {
            SoftAssertions.assertSoftly(softly -> {
                softly.assertThat(unsound)
                        .as("events the shortcut calls valid and networknt refuses (%d pairs compared)", pairs)
                        .isEmpty();
                softly.assertThat(thrown).as("events the shortcut throws on").isEmpty();
            });
        }
    }

    /** Both judges on every event of every case, with format assertions on and off. */
    private Comparison compare(String label, List<Case> cases) {
        List<String> unsound = new ArrayList<>();
        List<String> thrown = new ArrayList<>();
        int pairs = 0;
        int surelyValid = 0;
        for (boolean formatAssertions : new boolean[] {true, false}) {
            for (Case schema : cases) {
                CompiledSchema compiled = networknt(schema, formatAssertions);
                SchemaShortcut shortcut = shortcut(compiled.document(), formatAssertions);
                if (shortcut == null) {
                    continue;
                }
                for (JsonNode candidate : events(schema, compiled.document())) {
                    for (JsonNode node : new JsonNode[] {candidate, asDoubles(candidate)}) {
                        if (node == null) {
                            continue;
                        }
                        pairs++;
                        String where = "schema \"" + schema.name() + "\" (format assertions " + formatAssertions
                                + ", " + (node == candidate ? "decimal" : "double") + " tree) "
                                + schema.schema()
                                        .replaceAll("\\s+", " ")
                                        .substring(0, Math.min(schema.schema().length(), 400))
                                + "\n  event " + node;
                        boolean sure;
                        try {
                            sure = shortcut.surelyValid(node);
                        } catch (RuntimeException e) {
                            // The gateway would answer 500: the shortcut must say "ask networknt" instead.
                            if (thrown.size() < 3) {
                                thrown.add(where + "\n  the shortcut threw " + e);
                            }
                            continue;
                        }
                        if (!sure) {
                            continue;
                        }
                        surelyValid++;
                        List<Error> errors;
                        try {
                            errors = compiled.schema().validate(node);
                        } catch (RuntimeException e) {
                            // networknt cannot take this event at all, so it cannot be valid for sure.
                            if (unsound.size() < 10) {
                                unsound.add(where + "\n  networknt threw " + e);
                            }
                            continue;
                        }
                        if (!errors.isEmpty() && unsound.size() < 10) {
                            unsound.add(
                                    where + "\n  networknt: " + errors.get(0).getInstanceLocation() + " "
                                            + errors.get(0).getMessage());
                        }
                    }
                }
            }
        }
        System.out.printf(
                "SchemaShortcutIntegrationTests%s: %d schema/event pairs compared, %d called surely valid%n",
                label, pairs, surelyValid);
        return new Comparison(pairs, surelyValid, unsound, thrown);
    }

    @Test
    void theShortcutCallsTheValidEventsValid() {
        for (Case schema : cases()) {
            CompiledSchema compiled = networknt(schema, true);
            SchemaShortcut shortcut = shortcut(compiled.document(), true);
            assertThat(shortcut).as("the shortcut of \"%s\"", schema.name()).isNotNull();
            for (String valid : schema.valid()) {
                assertThat(compiled.schema().validate(event(valid)))
                        .as("networknt on %s for \"%s\"", valid, schema.name())
                        .isEmpty();
                assertThat(shortcut.surelyValid(event(valid)))
                        .as("the shortcut on %s for \"%s\"", valid, schema.name())
                        .isTrue();
            }
        }
    }

    @Test
    void theBenchmarkOrderSchemaHasAShortcutThatTakesTheBenchmarkEvent() throws Exception {
        Path bench = Path.of("bench/order-schema.json");
        CompiledSchema compiled = new SchemaCompiler(true).compile(null, bench.toString(), SchemaCompiler.newFileSet());
        SchemaShortcut shortcut = shortcut(compiled.document(), true);

        assertThat(shortcut).isNotNull();
        for (int n : new int[] {1, 42, 1_000_000}) {
            assertThat(shortcut.surelyValid(event(SchemaTestFiles.order(n)))).isTrue();
        }
        Path benchEvent = Path.of("bench/order-event.json");
        if (benchEvent.toFile().isFile()) {
            JsonNode tree = EVENTS.readTree(benchEvent.toFile());
            assertThat(compiled.schema().validate(tree)).isEmpty();
            assertThat(shortcut.surelyValid(tree)).isTrue();
        }
    }

    @Test
    void schemasWithKeywordsTheShortcutDoesNotKnowHaveNone() {
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put(
                "$ref",
                "{\"$defs\": {\"a\": {\"type\": \"string\"}}, \"properties\": {\"a\": {\"$ref\": \"#/$defs/a\"}}}");
        refused.put("$ref alone", "{\"properties\": {\"a\": {\"$ref\": \"#\"}}}");
        refused.put("allOf", "{\"allOf\": [{\"type\": \"object\"}]}");
        refused.put("anyOf", "{\"properties\": {\"a\": {\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"null\"}]}}}");
        refused.put("oneOf", "{\"oneOf\": [{\"type\": \"object\"}]}");
        refused.put("not", "{\"properties\": {\"a\": {\"not\": {\"type\": \"string\"}}}}");
        refused.put("if", "{\"if\": {\"required\": [\"a\"]}, \"then\": {\"required\": [\"b\"]}}");
        refused.put("patternProperties", "{\"patternProperties\": {\"^x\": {\"type\": \"string\"}}}");
        refused.put("unevaluatedProperties", "{\"properties\": {\"a\": {}}, \"unevaluatedProperties\": false}");
        refused.put("prefixItems", "{\"properties\": {\"a\": {\"prefixItems\": [{\"type\": \"string\"}]}}}");
        refused.put("dependentRequired", "{\"dependentRequired\": {\"a\": [\"b\"]}}");
        refused.put("an unknown keyword", "{\"properties\": {\"a\": {\"type\": \"string\", \"x-pii\": true}}}");
        refused.put("an unknown keyword at the root", "{\"type\": \"object\", \"propertyNames\": {\"maxLength\": 3}}");
        refused.put("uniqueItems", "{\"properties\": {\"a\": {\"type\": \"array\", \"uniqueItems\": true}}}");
        refused.put("contains", "{\"properties\": {\"a\": {\"contains\": {\"const\": 1}}}}");
        refused.put("multipleOf", "{\"properties\": {\"a\": {\"multipleOf\": 0.01}}}");
        refused.put(
                "a format without a shortcut",
                "{\"properties\": {\"a\": {\"type\": \"string\", \"format\": \"hostname\"}}}");
        refused.put("a format inside items", "{\"items\": {\"format\": \"uri\"}}");
        refused.put(
                "draft-04",
                "{\"$schema\": \"http://json-schema.org/draft-04/schema#\", \"properties\": {\"a\": {\"type\": \"string\"}}}");
        refused.put(
                "draft-04 bounds",
                "{\"$schema\": \"http://json-schema.org/draft-04/schema#\", "
                        + "\"properties\": {\"a\": {\"maximum\": 5, \"exclusiveMaximum\": true}}}");
        refused.put("an unknown draft", "{\"$schema\": \"https://example.com/my-schema\", \"type\": \"object\"}");
        refused.put("a keyword under an annotation's shadow", "{\"properties\": {\"a\": {\"$defs\": {}}}}");

        for (Map.Entry<String, String> schema : refused.entrySet()) {
            assertThat(shortcut(EVENTS.readTree(schema.getValue()), true))
                    .as(schema.getKey() + ": " + schema.getValue())
                    .isNull();
        }
    }

    // --- the events ---------------------------------------------------------------------------

    /** The same event with its decimals as doubles, as a default mapper reads it; null when it cannot. */
    private static JsonNode asDoubles(JsonNode node) {
        try {
            JsonNode doubles = DOUBLES.readTree(EVENTS.writeValueAsString(node));
            // A number beyond a double's range reads as an infinity, which no JSON text can be: not an event.
            return finite(doubles) ? doubles : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean finite(JsonNode node) {
        if (node.isDouble() || node.isFloat()) {
            return Double.isFinite(node.doubleValue());
        }
        for (JsonNode child : node) {
            if (!finite(child)) {
                return false;
            }
        }
        return true;
    }

    /** The seeds, every single mutation of them, and a seeded random fuzz. */
    private static List<JsonNode> events(Case schema, JsonNode document) {
        List<JsonNode> pool = values(document);
        Set<String> names = new LinkedHashSet<>(List.of("extra", "a", "z"));
        collectNames(document, names);
        List<JsonNode> seeds = new ArrayList<>();
        schema.valid().forEach(json -> seeds.add(event(json)));
        schema.seeds().forEach(json -> seeds.add(event(json)));

        Set<JsonNode> events = new LinkedHashSet<>(seeds);
        pool.forEach(events::add);
        for (JsonNode seed : seeds) {
            for (List<Object> path : paths(seed)) {
                events.addAll(mutations(seed, path, pool, names));
            }
        }
        Random random = new Random(14);
        for (int i = 0; i < schema.fuzz() && !seeds.isEmpty(); i++) {
            JsonNode event = seeds.get(random.nextInt(seeds.size()));
            int steps = 1 + random.nextInt(4);
            for (int step = 0; step < steps; step++) {
                List<List<Object>> paths = paths(event);
                List<JsonNode> next = mutations(event, paths.get(random.nextInt(paths.size())), pool, names);
                if (!next.isEmpty()) {
                    event = next.get(random.nextInt(next.size()));
                }
            }
            events.add(event);
            events.add(randomValue(random, pool, names, 3));
        }
        return new ArrayList<>(events);
    }

    /** Every path to a node in the tree: member names and array indexes from the root. */
    private static List<List<Object>> paths(JsonNode root) {
        List<List<Object>> paths = new ArrayList<>();
        collectPaths(root, new ArrayList<>(), paths);
        return paths;
    }

    private static void collectPaths(JsonNode node, List<Object> path, List<List<Object>> paths) {
        paths.add(List.copyOf(path));
        if (node.isObject()) {
            for (String name : node.propertyNames()) {
                path.add(name);
                collectPaths(node.get(name), path, paths);
                path.remove(path.size() - 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                path.add(i);
                collectPaths(node.get(i), path, paths);
                path.remove(path.size() - 1);
            }
        }
    }

    /** Every single mutation of the node at the path. */
    private static List<JsonNode> mutations(JsonNode root, List<Object> path, List<JsonNode> pool, Set<String> names) {
        JsonNode node = at(root, path);
        List<JsonNode> replacements = new ArrayList<>(pool);
        if (node.isString()) {
            for (String edited : stringMutations(node.stringValue())) {
                replacements.add(EVENTS.getNodeFactory().stringNode(edited));
            }
        } else if (node.isObject()) {
            for (String name : node.propertyNames()) {
                ObjectNode without = (ObjectNode) node.deepCopy();
                without.remove(name);
                replacements.add(without);
            }
            for (String name : names) {
                for (JsonNode value : pool.subList(0, Math.min(pool.size(), 24))) {
                    ObjectNode with = (ObjectNode) node.deepCopy();
                    with.set(name, value);
                    replacements.add(with);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                ArrayNode without = (ArrayNode) node.deepCopy();
                without.remove(i);
                replacements.add(without);
                ArrayNode twice = (ArrayNode) node.deepCopy();
                twice.add(node.get(i).deepCopy());
                replacements.add(twice);
            }
            for (JsonNode value : pool) {
                ArrayNode with = (ArrayNode) node.deepCopy();
                with.add(value);
                replacements.add(with);
            }
        } else if (node.isNumber()) {
            for (BigDecimal near : near(node.decimalValue())) {
                replacements.addAll(numberForms(near));
            }
        }
        List<JsonNode> events = new ArrayList<>(replacements.size());
        for (JsonNode replacement : replacements) {
            events.add(replaced(root, path, replacement));
        }
        return events;
    }

    private static JsonNode at(JsonNode root, List<Object> path) {
        JsonNode node = root;
        for (Object step : path) {
            node = step instanceof String name ? node.get(name) : node.get((Integer) step);
        }
        return node;
    }

    private static JsonNode replaced(JsonNode root, List<Object> path, JsonNode replacement) {
        if (path.isEmpty()) {
            return replacement.deepCopy();
        }
        JsonNode copy = root.deepCopy();
        JsonNode parent = at(copy, path.subList(0, path.size() - 1));
        Object last = path.get(path.size() - 1);
        if (last instanceof String name) {
            ((ObjectNode) parent).set(name, replacement.deepCopy());
        } else {
            ((ArrayNode) parent).set((Integer) last, replacement.deepCopy());
        }
        return copy;
    }

    private static final String EDITS = "aZ0 \n\u00e9\u0301\u0660\uff10-@.:_";

    /** Each character deleted, doubled, case-swapped and replaced; line ends and spaces around it. */
    private static Set<String> stringMutations(String value) {
        Set<String> edited = new LinkedHashSet<>();
        edited.add(value + "\n");
        edited.add(value + "\r\n");
        edited.add("\n" + value);
        edited.add(" " + value);
        edited.add(value + " ");
        edited.add(value + "\u0000");
        edited.add(value + "\ud83d\ude00");
        edited.add(value + "\u0301");
        edited.add(value + value);
        edited.add(value.toUpperCase(Locale.ROOT));
        edited.add(value.toLowerCase(Locale.ROOT));
        for (int i = 0; i < value.length() && i < 48; i++) {
            String before = value.substring(0, i);
            String after = value.substring(i + 1);
            char c = value.charAt(i);
            edited.add(before + after);
            edited.add(before + c + c + after);
            edited.add(
                    before + (Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c)) + after);
            for (int j = 0; j < EDITS.length(); j++) {
                edited.add(before + EDITS.charAt(j) + after);
            }
        }
        return edited;
    }

    private static JsonNode randomValue(Random random, List<JsonNode> pool, Set<String> names, int depth) {
        int kind = depth == 0 ? 0 : random.nextInt(4);
        List<String> memberNames = new ArrayList<>(names);
        return switch (kind) {
            case 1 -> {
                ObjectNode object = EVENTS.createObjectNode();
                int members = random.nextInt(5);
                for (int i = 0; i < members; i++) {
                    object.set(
                            memberNames.get(random.nextInt(memberNames.size())),
                            randomValue(random, pool, names, depth - 1));
                }
                yield object;
            }
            case 2 -> {
                ArrayNode array = EVENTS.createArrayNode();
                int elements = random.nextInt(4);
                for (int i = 0; i < elements; i++) {
                    array.add(randomValue(random, pool, names, depth - 1));
                }
                yield array;
            }
            default -> pool.get(random.nextInt(pool.size()));
        };
    }

    // --- the values ---------------------------------------------------------------------------

    /** Values of every JSON type, with the ones that sit on the edges of this schema's keywords. */
    private static List<JsonNode> values(JsonNode document) {
        Set<JsonNode> values = new LinkedHashSet<>();
        for (String json : List.of(
                "null",
                "true",
                "false",
                "0",
                "-0",
                "0.0",
                "-0.0",
                "1",
                "-1",
                "1.0",
                "1.00",
                "1.5",
                "1e2",
                "1E2",
                "1e0",
                "10e-1",
                "100",
                "2",
                "3",
                "5",
                "0.1",
                "0.1000000000000000055511151231257827",
                "0.30000000000000004",
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775808",
                "-9223372036854775809",
                "9007199254740993",
                "123456789012345678901234567890",
                "1e400",
                "-1e400",
                "1e-400",
                "4.9e-324",
                "\"\"",
                "\"a\"",
                "\"A\"",
                "\"ab\"",
                "\"abc\"",
                "\"abcd\"",
                "\"x\"",
                "\"q\"",
                "\"1\"",
                "\"123\"",
                "\"null\"",
                "\"true\"",
                "\"1.0\"",
                "\"\\ud83d\\ude00\"",
                "\"\\ud83d\\ude00\\ud83d\\ude00\"",
                "\"\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\"",
                "\"\\ud83d\"",
                "\"e\\u0301\"",
                "\"e\\u0301e\\u0301\"",
                "\"\\u0661\\u0662\\u0663\"",
                "\"\\uff11\\uff12\"",
                "\"\\u00e9\"",
                "\"h\\u00e9llo\"",
                "\"\\u0000\"",
                "\"a\\n\"",
                "\"\\n\"",
                "\"order-1\"",
                "\"order-1\\n\"",
                "\"order-\\u0661\"",
                "\"EUR\"",
                "\"EUR\\n\"",
                "\"eur\"",
                "\"DE\"",
                "\"zz\\n\"",
                "\"xyz\"",
                "\"abc\\n\"",
                "[]",
                "[1]",
                "[null]",
                "[\"a\"]",
                "[[]]",
                "[{}]",
                "[1,\"x\"]",
                "[\"x\",1]",
                "[false]",
                "[false,\"y\"]",
                "[{\"v\":1}]",
                "[{\"sku\":\"a\",\"quantity\":0}]",
                "{}",
                "{\"a\":1}",
                "{\"a\":1.0}",
                "{\"v\":1}",
                "{\"z\":null}",
                "{\"k\":[1,2]}",
                "{\"k\":[1.0,2]}",
                "{\"a\":1,\"b\":[null]}",
                "{\"id\":\"c\"}",
                "{\"id\":\"c\",\"email\":\"nope\"}")) {
            values.add(event(json));
        }
        formatValues().forEach(value -> values.add(EVENTS.getNodeFactory().stringNode(value)));
        collectSchemaValues(document, values);
        return new ArrayList<>(values);
    }

    /** The format corpus of {@code FastFormatsTests}, its hard cases. */
    private static List<String> formatValues() {
        return List.of(
                "ada@example.com",
                "a@b.de",
                "o'brien@example.ie",
                "user@localhost",
                "user@com",
                "user@.com",
                "user@[192.168.0.1]",
                "user@[IPv6:2001:db8::1]",
                "\"quoted user\"@example.com",
                "a@b@example.com",
                "user@example.com.",
                "user@example..com",
                "user@-example.com",
                "user@b\u00fccher.de",
                "\u00fc@example.com",
                ".user@example.com",
                "us..er@example.com",
                "user@exa mple.com",
                "a".repeat(65) + "@example.com",
                "2026-12-02T01:00:00.123Z",
                "2026-12-02T01:00:00+01:00",
                "2024-02-29T23:59:59Z",
                "2023-02-29T00:00:00Z",
                "2100-02-29T00:00:00Z",
                "2026-04-31T00:00:00Z",
                "2016-12-31T23:59:60Z",
                "2026-06-30T23:59:60Z",
                "2026-12-02t01:00:00z",
                "2026-12-02 01:00:00Z",
                "0000-01-01T00:00:00Z",
                "2026-12-02T01:00:00+18:01",
                "2026-12-02T01:00:00-00:00",
                "2026-12-02T01:00:00+0100",
                "2026-12-02T01:00:00",
                "2026-12-02",
                "2026-13-01T00:00:00Z",
                "2026-12-02T01:00:00.Z",
                "2026-12-02T01:00:00\u0660Z",
                "0193a4a0-0000-7000-8000-000000000001",
                "0193A4A0-FFFF-7000-8000-ABCDEFabcdef",
                "{0193a4a0-0000-7000-8000-000000000001}",
                "0193a4a0-0000-7000-8000-00000000000g",
                "0193a4a00000-7000-8000-000000000001",
                "192.0.2.1",
                "0.0.0.0",
                "255.255.255.255",
                "256.0.0.1",
                "01.2.3.4",
                "1.2.3",
                "1.2.3.4.",
                "\u0661.2.3.4",
                "::1");
    }

    /** Names the schema's properties use, so mutations add members the schema knows. */
    private static void collectNames(JsonNode schema, Set<String> names) {
        if (!schema.isObject()) {
            return;
        }
        JsonNode properties = schema.get("properties");
        if (properties != null && properties.isObject()) {
            names.addAll(properties.propertyNames());
        }
        JsonNode required = schema.get("required");
        if (required != null && required.isArray()) {
            required.forEach(name -> names.add(name.asString()));
        }
        for (JsonNode child : schema) {
            collectNames(child, names);
        }
    }

    /** Enum and const values and their look-alikes, bounds and their neighbours, strings of the lengths named. */
    private static void collectSchemaValues(JsonNode schema, Set<JsonNode> values) {
        if (schema.isArray()) {
            schema.forEach(child -> collectSchemaValues(child, values));
            return;
        }
        if (!schema.isObject()) {
            return;
        }
        for (String name : schema.propertyNames()) {
            JsonNode keyword = schema.get(name);
            switch (name) {
                case "enum" -> keyword.forEach(value -> lookAlikes(value, values));
                case "const" -> lookAlikes(keyword, values);
                case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" -> {
                    if (keyword.isNumber()) {
                        near(keyword.decimalValue()).forEach(value -> values.addAll(numberForms(value)));
                    }
                }
                case "minLength", "maxLength" -> {
                    if (keyword.canConvertToInt()) {
                        for (int length = Math.max(0, keyword.asInt() - 1); length <= keyword.asInt() + 1; length++) {
                            for (String unit : List.of("a", "\ud83d\ude00", "e\u0301", "\u00e9", "\uff10")) {
                                values.add(EVENTS.getNodeFactory().stringNode(unit.repeat(length)));
                            }
                            values.add(EVENTS.getNodeFactory()
                                    .stringNode("a".repeat(Math.max(0, length - 1)) + "\ud83d\ude00"));
                        }
                    }
                }
                case "minItems", "maxItems", "minProperties", "maxProperties" -> {
                    if (keyword.canConvertToInt() && keyword.asInt() < 10) {
                        for (int size = Math.max(0, keyword.asInt() - 1); size <= keyword.asInt() + 1; size++) {
                            ArrayNode array = EVENTS.createArrayNode();
                            ObjectNode object = EVENTS.createObjectNode();
                            for (int i = 0; i < size; i++) {
                                array.add(EVENTS.createArrayNode());
                                object.put("k" + i, i);
                            }
                            values.add(array);
                            values.add(object);
                        }
                    }
                }
                default -> {}
            }
            if (keyword.isContainer() && !name.equals("enum") && !name.equals("const")) {
                collectSchemaValues(keyword, values);
            }
        }
    }

    /** The value, and values that look like it: 1 and 1.0, another case, a member or element more or less. */
    private static void lookAlikes(JsonNode value, Set<JsonNode> values) {
        values.add(value.deepCopy());
        if (value.isNumber()) {
            near(value.decimalValue()).forEach(near -> values.addAll(numberForms(near)));
        } else if (value.isString()) {
            String text = value.stringValue();
            for (String alike :
                    List.of(text.toUpperCase(Locale.ROOT), text + " ", text + "\n", " " + text, text + "\u0301", "")) {
                values.add(EVENTS.getNodeFactory().stringNode(alike));
            }
        } else if (value.isObject()) {
            ObjectNode more = (ObjectNode) value.deepCopy();
            more.put("zz", 1);
            values.add(more);
            for (String name : value.propertyNames()) {
                ObjectNode less = (ObjectNode) value.deepCopy();
                less.remove(name);
                values.add(less);
                ObjectNode other = (ObjectNode) value.deepCopy();
                other.put(name, "other");
                values.add(other);
            }
            decimalsFor1(value).ifPresent(values::add);
        } else if (value.isArray()) {
            ArrayNode more = (ArrayNode) value.deepCopy();
            more.add(
                    value.size() == 0
                            ? EVENTS.getNodeFactory().nullNode()
                            : value.get(0).deepCopy());
            values.add(more);
            ArrayNode reversed = EVENTS.createArrayNode();
            for (int i = value.size() - 1; i >= 0; i--) {
                reversed.add(value.get(i).deepCopy());
                ArrayNode less = (ArrayNode) value.deepCopy();
                less.remove(i);
                values.add(less);
            }
            values.add(reversed);
            decimalsFor1(value).ifPresent(values::add);
        } else if (value.isBoolean()) {
            values.add(EVENTS.getNodeFactory().booleanNode(!value.booleanValue()));
            values.add(EVENTS.getNodeFactory().stringNode(value.asString()));
        } else if (value.isNull()) {
            values.add(EVENTS.getNodeFactory().stringNode("null"));
        }
    }

    /** The value with its ones written 1.0, when that is still JSON. */
    private static Optional<JsonNode> decimalsFor1(JsonNode value) {
        try {
            return Optional.of(event(EVENTS.writeValueAsString(value).replace("1", "1.0")));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** A number and its neighbours: one more and less, a hair more and less, a double's rounding away. */
    private static List<BigDecimal> near(BigDecimal value) {
        List<BigDecimal> near = new ArrayList<>();
        BigDecimal hair = new BigDecimal("1e-20");
        near.add(value);
        near.add(value.add(BigDecimal.ONE));
        near.add(value.subtract(BigDecimal.ONE));
        near.add(value.add(hair));
        near.add(value.subtract(hair));
        near.add(value.add(new BigDecimal("0.5")));
        near.add(value.subtract(new BigDecimal("0.5")));
        near.add(value.negate());
        double asDouble = value.doubleValue();
        if (Double.isFinite(asDouble)) {
            BigDecimal ulp = new BigDecimal(Math.ulp(asDouble));
            near.add(value.add(ulp));
            near.add(value.subtract(ulp));
            near.add(value.add(ulp.divide(BigDecimal.valueOf(4))));
            near.add(value.subtract(ulp.divide(BigDecimal.valueOf(4))));
            near.add(new BigDecimal(asDouble));
        }
        return near;
    }

    /** A number as an event may write it: plainly, with a fraction of zeros, with an exponent. */
    private static List<JsonNode> numberForms(BigDecimal value) {
        List<JsonNode> forms = new ArrayList<>();
        if (value.precision() - value.scale() > 500 || value.scale() > 500) {
            // Longer than the gateway's parser takes (StreamReadConstraints), so no event has it.
            return forms;
        }
        String plain = value.toPlainString();
        forms.add(event(plain));
        if (value.stripTrailingZeros().scale() <= 0) {
            forms.add(event(value.stripTrailingZeros().toPlainString() + ".0"));
        }
        if (value.signum() != 0) {
            BigDecimal stripped = value.stripTrailingZeros();
            forms.add(event(stripped.unscaledValue() + "e" + (-stripped.scale())));
        }
        return forms;
    }
}
