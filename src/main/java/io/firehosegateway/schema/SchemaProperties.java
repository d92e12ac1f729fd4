package io.firehosegateway.schema;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The schemas of the streams, beside the streams' other settings under {@code gateway.streams}.
 *
 * @param streams each stream's schema settings, by stream name
 * @param schemaValidation settings of every schema
 */
@ConfigurationProperties("gateway")
@Validated
public record SchemaProperties(
        @DefaultValue Map<String, @Valid StreamSchema> streams,
        @DefaultValue @Valid SchemaValidation schemaValidation) {

    /**
     * The schema settings of one stream.
     *
     * @param schema the JSON Schema (draft 2020-12, or the draft its {@code $schema} names, such as
     *     draft-07) every event must satisfy: a file path, {@code file:} or {@code classpath:} location
     * @param schemaBy a JSON Pointer (such as {@code /type}) to the member whose value picks the event's
     *     schema among {@code schemas}; an event without it, or with a value not listed, is invalid
     * @param schemas with {@code schema-by}: the schema of each value
     * @param onInvalid {@code reject} (the default): a request with an invalid event is refused whole;
     *     {@code route:<stream>}: valid events go on, each invalid one goes to that stream, wrapped
     */
    public record StreamSchema(String schema, String schemaBy, List<@Valid Choice> schemas, String onInvalid) {}

    /**
     * The schema of one value of a stream's {@code schema-by} member.
     *
     * @param value the member's value, compared as a string
     * @param schema the schema's location, as for {@code schema}
     */
    public record Choice(@NotNull String value, @NotNull String schema) {}

    /**
     * Settings of every schema.
     *
     * @param formatAssertions whether {@code format} (date-time, email, uuid, ...) is asserted: an
     *     event whose value does not match is invalid; when false it is an annotation only, as draft
     *     2020-12 has it unless a validator is told otherwise
     * @param checkInterval how often schema files are checked for changes; a changed file that
     *     compiles replaces the schema in force, one that does not is refused and logged
     */
    public record SchemaValidation(
            @DefaultValue("true") boolean formatAssertions,
            @DefaultValue("5s") @NotNull Duration checkInterval) {}
}
