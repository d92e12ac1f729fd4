/**
 * Amazon Kinesis Data Streams as the sink: the one {@code KinesisAsyncClient} and its settings, the
 * {@code PutRecords} call, the mapping of partition keys into what Kinesis takes, the limits of each
 * destination (learned once from {@code DescribeStreamSummary}), the classification of failures, and
 * the health check made once at start. For a {@code pack-format: kpl} stream it also aggregates a
 * call's events in the Kinesis Producer Library's format ({@code KinesisAggregate}, the encoding;
 * {@code KinesisAggregator}, the packing by shard), following each stream's shards
 * ({@code KinesisShardMap}, from {@code ListShards}) through resharding.
 */
package io.firehosegateway.sink.kinesis;
