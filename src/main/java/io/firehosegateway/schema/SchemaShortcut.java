package io.firehosegateway.schema;

import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.util.Set;
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

    private final ShortcutRules root;

    private SchemaShortcut(ShortcutRules root) {
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
            return new SchemaShortcut(new ShortcutCompiler(formatAssertions, regexes).compile(document, true));
        } catch (ShortcutCompiler.Unsupported | RuntimeException e) {
            // A pattern the shortcut cannot compile: networknt, which compiled the schema, decides.
            return null;
        }
    }

    /** Whether the event is valid for sure; {@code false} means "ask networknt", not "invalid". */
    boolean surelyValid(JsonNode event) {
        return root.surelyValid(event);
    }
}
