package io.firehosegateway.schema;

import java.util.List;

/**
 * An event that did not satisfy its stream's schema.
 *
 * @param index the event's index in the request
 * @param id the event's id
 * @param schema the schema it was checked against; {@code null} when {@code schema-by} found none
 * @param violations the first {@link StreamSchemas#MAX_VIOLATIONS} rules it broke
 * @param violationCount how many rules it broke in all
 */
public record InvalidEvent(
        int index, String id, CompiledSchema schema, List<Violation> violations, int violationCount) {}
