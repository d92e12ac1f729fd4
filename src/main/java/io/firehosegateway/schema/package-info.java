/**
 * JSON Schemas per stream: compiled once at start from files or the classpath, reloaded when a
 * file changes, and checked against each event as the client sent it. It says which events are
 * invalid and why, and wraps an invalid event for the stream it is routed to; what the client is
 * answered is the API's business. Depends on {@code event} and {@code metrics}, and on the
 * pipeline only for the names of the streams.
 */
package io.firehosegateway.schema;
