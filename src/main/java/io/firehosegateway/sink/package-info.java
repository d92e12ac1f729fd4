/**
 * Where records go: the {@link io.firehosegateway.sink.Sink} interface, the per-record outcomes
 * of one call, and the failure kinds the pipeline's retry policy acts on. Implementations live in
 * {@code sink.firehose} (Amazon Data Firehose) and {@code sink.local} (files on local disk); they
 * classify their own failures but never retry, count or buffer: that is the pipeline's work.
 */
package io.firehosegateway.sink;
