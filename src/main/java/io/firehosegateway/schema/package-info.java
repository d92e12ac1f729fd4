/**
 * JSON Schemas per stream: compiled once at start from files or the classpath, reloaded when a
 * file changes, and checked against each event as the client sent it. It says which events are
 * invalid and why, and wraps an invalid event for the stream it is routed to; what the client is
 * answered is the API's business. Depends only on {@code event} (the events, and the streams' names
 * it checks its routes against) and {@code metrics}.
 */
package io.firehosegateway.schema;
