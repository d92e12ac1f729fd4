/**
 * The HTTP API: the event endpoints, the reading and checking of request bodies (size, gzip, UTF-8,
 * JSON and NDJSON, partition keys), the metadata the gateway adds to events, the stream schema
 * endpoint, and the turning of every error, its own and Tomcat's, into an RFC 9457 problem. It hands
 * events to the {@code pipeline}, checks them against the {@code schema}s first, and answers with
 * the types of {@code problem}; it never reaches a sink or the journal.
 */
package io.firehosegateway.api;
