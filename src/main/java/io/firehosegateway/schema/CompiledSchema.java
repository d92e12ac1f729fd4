package io.firehosegateway.schema;

import com.networknt.schema.Schema;
import tools.jackson.databind.JsonNode;

/**
 * One schema as compiled from its file.
 *
 * @param value the {@code schema-by} value it is for; {@code null} for a stream's only schema
 * @param location where it was read from, as configured
 * @param hash {@code sha256:} and the hex SHA-256 of the file's bytes, so a wrapper says exactly
 *     which version an event was checked against
 * @param document the schema as written, to publish it
 * @param schema the compiled validator
 * @param shortcut what says "valid" for sure without the validator's bookkeeping; {@code null} when the
 *     schema uses a keyword it does not know, and then the validator checks every event
 */
public record CompiledSchema(
        String value, String location, String hash, JsonNode document, Schema schema, SchemaShortcut shortcut) {}
