package io.firehosegateway.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.format.Format;
import com.networknt.schema.keyword.FormatKeyword;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every schema the gateway compiles checks {@code format} with the shortcut formats, whatever its draft. */
class SchemaCompilerFormatsTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path directory;

    private CompiledSchema compile(String draft, boolean formatAssertions) {
        String schema = """
                {%s"type": "object", "properties": {
                  "email": {"type": "string", "format": "email"},
                  "at": {"type": "string", "format": "date-time"},
                  "session": {"type": "string", "format": "uuid"},
                  "ip": {"type": "string", "format": "ipv4"}}}
                """.formatted(draft == null ? "" : "\"$schema\": \"" + draft + "\", ");
        Path file = SchemaTestFiles.write(directory, "formats.json", schema);
        return new SchemaCompiler(formatAssertions).compile(null, file.toString(), SchemaCompiler.newFileSet());
    }

    private static int violations(CompiledSchema schema, String event) {
        JsonNode tree = JSON.readTree(event);
        return schema.schema().validate(tree).size();
    }

    @SuppressWarnings("unchecked")
    private static Format registered(CompiledSchema schema, String name) throws Exception {
        Dialect dialect = schema.schema().getSchemaContext().getDialect();
        FormatKeyword keyword = (FormatKeyword) dialect.getKeywords().get("format");
        Method formats = FormatKeyword.class.getDeclaredMethod("getFormats");
        formats.setAccessible(true);
        return ((Collection<Format>) formats.invoke(keyword))
                .stream()
                        .filter(format -> format.getName().equals(name))
                        .findFirst()
                        .orElseThrow();
    }

    @Test
    void aDefaultSchemaUsesTheShortcutFormatsAndStillRejectsWhatNetworkntRejects() throws Exception {
        CompiledSchema schema = compile(null, true);

        for (String name : new String[] {"email", "date-time", "uuid", "ipv4"}) {
            assertThat(registered(schema, name)).as(name).isInstanceOf(FastPathFormat.class);
        }
        assertThat(schema.schema().getSchemaContext().getDialect()).isSameAs(FastFormats.DIALECTS.get(0));
        assertThat(violations(schema, """
                {"email": "ada@example.com", "at": "2026-12-02T01:00:00.123Z",
                 "session": "0193a4a0-0000-7000-8000-000000000001", "ip": "192.0.2.1"}""")).isZero();
        assertThat(violations(schema, """
                {"email": "not-an-email", "at": "2026-02-29T01:00:00Z",
                 "session": "0193a4a0", "ip": "192.0.2.256"}""")).isEqualTo(4);
    }

    @Test
    void aDraft07SchemaUsesTheShortcutFormatsToo() throws Exception {
        CompiledSchema schema = compile("http://json-schema.org/draft-07/schema#", true);

        assertThat(registered(schema, "email")).isInstanceOf(FastPathFormat.class);
        assertThat(schema.schema().getSchemaContext().getDialect().getSpecificationVersion())
                .hasToString("DRAFT_7");
        assertThat(violations(schema, "{\"email\": \"ada@example.com\"}")).isZero();
        assertThat(violations(schema, "{\"email\": \"not-an-email\"}")).isEqualTo(1);
    }

    @Test
    void everyDraftASchemaCanNameGetsTheShortcutFormats() throws Exception {
        for (String draft : new String[] {
            "https://json-schema.org/draft/2020-12/schema",
            "https://json-schema.org/draft/2019-09/schema",
            "http://json-schema.org/draft-07/schema#",
            "http://json-schema.org/draft-06/schema#",
            "http://json-schema.org/draft-04/schema#"
        }) {
            CompiledSchema schema = compile(draft, true);

            assertThat(registered(schema, "date-time")).as(draft).isInstanceOf(FastPathFormat.class);
            assertThat(violations(schema, "{\"at\": \"2026-13-01T00:00:00Z\"}"))
                    .as(draft)
                    .isEqualTo(1);
        }
    }

    @Test
    void withoutFormatAssertionsAFormatIsOnlyAnAnnotation() {
        CompiledSchema schema = compile(null, false);

        assertThat(violations(schema, """
                {"email": "not-an-email", "at": "yesterday", "session": "0193a4a0", "ip": "192.0.2.256"}""")).isZero();
    }
}
