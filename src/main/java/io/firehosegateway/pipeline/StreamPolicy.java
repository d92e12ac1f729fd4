package io.firehosegateway.pipeline;

/**
 * How one stream packs, orders and paces its records, from its settings and its destination.
 *
 * @param keys how the stream finds an event's partition key
 * @param ordering whether the events of one key stay in order
 * @param packBytes the most bytes of events packed into one record
 * @param quota the destination's throughput quota, shared by the streams sent there; null when none is set
 * @param maxInFlight the most calls in flight at once, before throttling lowers it
 */
record StreamPolicy(PartitionKeys keys, Ordering ordering, int packBytes, StreamQuota quota, int maxInFlight) {}
