/**
 * Admission, batching, dispatch and retry: everything between a parsed request and the sink.
 *
 * <p>A request reserves room in the {@link io.firehosegateway.pipeline.BufferBudget} for every event
 * as it is parsed ({@link io.firehosegateway.pipeline.Admission}), so bodies being read count
 * against the same bound as events waiting to be sent. Each stream has one
 * {@link io.firehosegateway.pipeline.StreamDispatcher} that packs events into records, records into
 * batches of at most Firehose's limits, sends at most {@code max-in-flight} batches at once, and
 * alone owns retries: it resends only the records a call failed, with exponential backoff and full
 * jitter. Each request's {@link io.firehosegateway.pipeline.DeliveryTicket} learns what became of
 * each of its events.
 */
package io.firehosegateway.pipeline;
