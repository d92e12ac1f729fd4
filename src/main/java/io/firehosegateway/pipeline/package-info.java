/**
 * Admission, batching, dispatch and retry: everything between a parsed request and the sink. The
 * api and the generator hand it events, and security reads its settings; it depends on the
 * {@code sink} contract (never a kind of sink), the {@code journal}, {@code metrics} and
 * {@code event}, never on what calls it.
 *
 * <p>A request reserves room in the {@link io.firehosegateway.pipeline.BufferBudget} for every event
 * as it is parsed ({@link io.firehosegateway.pipeline.Admission}), so bodies being read count
 * against the same bound as events waiting to be sent. {@link io.firehosegateway.pipeline.Pipeline}
 * takes every request on one path, a request for one stream being a request of one part: checked,
 * then journaled as one entry ({@code JournaledDelivery}, read back by {@code JournalFeeder}) or
 * taken whole into its streams ({@code RequestIntake}). The streams are made at the start by
 * {@code PipelineAssembly}, which describes each destination and checks the settings against it,
 * and are held by name in {@code PipelineStreams}, which also counts what each takes and refuses.
 * Each stream has one {@code StreamDispatcher}, which decides when its batches go, with a class per
 * job: it packs events into records and records into batches within its sink's limits
 * ({@code BatchQueue}, {@code BatchBuilder}), sends at most the adaptive concurrency limit of
 * batches at once ({@code CallSlots}, {@code ConcurrencyLimit}) within the stream's quota
 * ({@code QuotaGate}); {@code StreamCalls} makes each call, sorts its answer by failure kind
 * ({@code CallOutcome}), splits what was refused as invalid ({@code BatchSplitter}), and settles
 * records ({@code Settlement}). The pipeline alone owns retries: it resends only the records a call
 * failed, with exponential backoff and full jitter. It knows the sink contract, never a kind of
 * sink. Each request's {@link io.firehosegateway.pipeline.DeliveryTicket} learns what became of each
 * of its events.
 */
package io.firehosegateway.pipeline;
