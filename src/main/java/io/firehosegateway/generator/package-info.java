/**
 * The load generator: jobs that make test events, as the original lesson's sender did, and push
 * them through the same pipeline as client traffic, taking only the buffer room clients leave. It
 * adds the api's event metadata as a request would, refuses a stream with a schema, and answers with
 * the types of {@code problem}; it never reaches a sink or the journal.
 */
package io.firehosegateway.generator;
