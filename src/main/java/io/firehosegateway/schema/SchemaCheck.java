package io.firehosegateway.schema;

import java.util.List;

/**
 * What checking a request's events against their stream's schemas found.
 *
 * @param rules the stream's schemas the events were checked against; {@code null} when it has none
 * @param invalid the invalid events in request order; empty when all are valid
 * @param hashes the hash of the schema each event was checked against, in request order ({@code null}
 *     for an event whose {@code schema-by} value has no schema); {@code null} when the stream has no schema
 */
public record SchemaCheck(StreamSchemas rules, List<InvalidEvent> invalid, List<String> hashes) {

    /** A stream without a schema: every event passes, none was checked. */
    static final SchemaCheck NONE = new SchemaCheck(null, List.of(), null);
}
